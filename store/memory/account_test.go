package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
	"github.com/autospot/autospot/store/storetest"
)

func TestUserStore(t *testing.T) {
	storetest.RunUserStore(t, func(*testing.T) auth.UserStore { return memory.NewUserStore() })
}

func TestPendingStore(t *testing.T) {
	storetest.RunPendingStore(t, func(*testing.T) auth.PendingStore { return memory.NewPendingStore() })
}

func TestOTPStore(t *testing.T) {
	storetest.RunOTPStore(t, func(*testing.T) auth.OTPStore { return memory.NewOTPStore() })
}

func TestAttemptStore(t *testing.T) {
	storetest.RunAttemptStore(t, func(*testing.T) auth.AttemptStore { return memory.NewAttemptStore() })
}

func TestResetStore(t *testing.T) {
	storetest.RunResetStore(t, func(*testing.T) auth.ResetStore { return memory.NewResetStore() })
}

func TestPendingStorePrune(t *testing.T) {
	ctx := context.Background()
	s := memory.NewPendingStore()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, ttl := range []time.Duration{time.Minute, time.Hour} {
		p := auth.PendingRegistration{Email: string(rune('a'+i)) + "@x.test", Ticket: "t", CreatedAt: now, ExpiresAt: now.Add(ttl)}
		if err := s.Put(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Prune(now.Add(2 * time.Minute)); n != 1 {
		t.Fatalf("pruned %d", n)
	}
	if _, err := s.Get(ctx, "b@x.test", now); err != nil {
		t.Fatalf("live registration pruned: %v", err)
	}
}

func TestUserStoreLen(t *testing.T) {
	s := memory.NewUserStore()
	if err := s.Create(context.Background(), auth.User{ID: "u1", Email: "a@x.test", Username: "a"}); err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1 {
		t.Fatalf("Len %d", s.Len())
	}
}
