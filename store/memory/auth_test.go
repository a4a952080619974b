package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
	"github.com/autospot/autospot/store/storetest"
)

func TestRefreshStore(t *testing.T) {
	storetest.RunRefreshStore(t, func(*testing.T) auth.RefreshStore { return memory.NewRefreshStore() })
}

func TestRevocationStore(t *testing.T) {
	storetest.RunRevocationStore(t, func(*testing.T) auth.RevocationStore { return memory.NewRevocationStore() })
}

func TestRefreshStorePrune(t *testing.T) {
	ctx := context.Background()
	s := memory.NewRefreshStore()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, exp := range []time.Duration{time.Hour, 2 * time.Hour} {
		f := auth.Family{ID: string(rune('a' + i)), UserID: "u", CreatedAt: now, ExpiresAt: now.Add(exp), Head: "h"}
		if err := s.CreateFamily(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Prune(now.Add(90 * time.Minute)); n != 1 || s.Len() != 1 {
		t.Fatalf("pruned %d, %d left", n, s.Len())
	}
	if _, err := s.Family(ctx, "a"); err == nil {
		t.Fatal("expired family still there")
	}
	if n, _ := s.RevokeUserFamilies(ctx, "u", now, "x"); n != 1 {
		t.Fatalf("user index after prune: revoked %d", n)
	}
}

func TestRevocationStorePrune(t *testing.T) {
	ctx := context.Background()
	s := memory.NewRevocationStore()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	_ = s.RevokeSession(ctx, "old", now.Add(time.Minute))
	_ = s.RevokeSession(ctx, "new", now.Add(time.Hour))
	_, _ = s.BumpEpoch(ctx, "u")
	if n := s.Prune(now.Add(2 * time.Minute)); n != 1 {
		t.Fatalf("pruned %d", n)
	}
	st, _ := s.Status(ctx, "u", "new", now.Add(2*time.Minute))
	if !st.SessionRevoked || st.Epoch != 1 {
		t.Fatalf("%+v", st)
	}
}
