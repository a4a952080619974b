package memory_test

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
)

// Benchmarks of the login-path operations on the memory stores, the floor
// the durable backends (store/bolt, store/mongo, store/redis) are compared
// with; their benchmarks have the same names.

var benchBase = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// BenchmarkUserByEmail is the login's user lookup, from parallel readers.
func BenchmarkUserByEmail(b *testing.B) {
	ctx := context.Background()
	s := memory.NewUserStore()
	const n = 1000
	for i := range n {
		u := auth.User{ID: fmt.Sprintf("u%04d", i), Email: fmt.Sprintf("user%04d@example.com", i), Username: fmt.Sprintf("user%04d", i),
			PasswordHash: "$2b$12$abcdefghijklmnopqrstuuvwxyzabcdefghijklmnopqrstuvwxyzab", Roles: []auth.Role{auth.RoleDriver}, CreatedAt: benchBase}
		if err := s.Create(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	var i atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.ByEmail(ctx, fmt.Sprintf("user%04d@example.com", i.Add(1)%n)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAttemptReserve is the login's reserve-before-compare step.
func BenchmarkAttemptReserve(b *testing.B) {
	ctx := context.Background()
	s := memory.NewAttemptStore()
	for i := 0; b.Loop(); i++ {
		// A fresh key per 5 attempts keeps every call a counted reservation.
		if _, err := s.Reserve(ctx, "login:203.0.113.7:user"+strconv.Itoa(i/5), 5, 15*time.Minute, benchBase); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRotateFamily is refresh-token consumption: the compare-and-swap
// of a family's head.
func BenchmarkRotateFamily(b *testing.B) {
	ctx := context.Background()
	s := memory.NewRefreshStore()
	f := auth.Family{ID: "f", UserID: "u", Roles: []auth.Role{auth.RoleDriver}, CreatedAt: benchBase, ExpiresAt: benchBase.Add(24 * time.Hour), Head: "h0"}
	if err := s.CreateFamily(ctx, f); err != nil {
		b.Fatal(err)
	}
	head := "h0"
	for i := 0; b.Loop(); i++ {
		next := "h" + strconv.Itoa(i+1)
		if _, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f", Presented: head, Next: next, Now: benchBase.Add(time.Minute)}); err != nil {
			b.Fatal(err)
		}
		head = next
	}
}

// BenchmarkAuditAppend appends one sealed record (SHA-256 chain).
func BenchmarkAuditAppend(b *testing.B) {
	ctx := context.Background()
	s := memory.NewAuditStore()
	chain := audit.NewChain()
	e := audit.Entry{Time: benchBase, Action: audit.ActionLogin, Outcome: audit.OutcomeSuccess, Actor: "user-42",
		Data: []byte(`{"time":"2025-06-01T12:00:00Z","level":"INFO","msg":"login","action":"auth.login","outcome":"success","actor":{"id":"user-42"},"ip":"203.0.113.7"}`)}
	for b.Loop() {
		if _, err := chain.Append(ctx, s, e); err != nil {
			b.Fatal(err)
		}
	}
}
