package mongo_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
)

// BenchmarkUserByEmail is the first step of a login: the account by its
// normalised email (a query on the unique index, then one probe for a
// newer version). The sub-benchmarks differ in how many accounts the
// collection holds: FerretDB v1 pushes down only filters on _id, so there a
// lookup by email scans the collection and its cost grows with the count;
// on MongoDB it is an index lookup either way.
func BenchmarkUserByEmail(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			s := newTestStore(b)
			ctx := b.Context()
			users := s.UserStore()
			for i := range n {
				u := auth.User{ID: fmt.Sprintf("u%05d", i), Email: fmt.Sprintf("user%05d@example.com", i), Username: fmt.Sprintf("user%05d", i),
					PasswordHash: "$2b$12$xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", Roles: []auth.Role{auth.RoleDriver}, CreatedAt: base, UpdatedAt: base}
				if err := users.Create(ctx, u); err != nil {
					b.Fatal(err)
				}
			}
			email := fmt.Sprintf("user%05d@example.com", n/2)
			for b.Loop() {
				if _, err := users.ByEmail(ctx, email); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAttemptReserve is the reserve-before-compare step of a login:
// one counted attempt (read the newest version, insert the next).
func BenchmarkAttemptReserve(b *testing.B) {
	s := newTestStore(b)
	ctx := b.Context()
	attempts := s.AttemptStore()
	for b.Loop() {
		st, err := attempts.Reserve(ctx, "login:alice@example.com", math.MaxInt, time.Hour, base)
		if err != nil || !st.Allowed {
			b.Fatal(st, err)
		}
	}
}

// BenchmarkRotateFamily is refresh-token consumption: one compare-and-swap
// of a family's head (read the family and its revocation, insert the next
// generation).
func BenchmarkRotateFamily(b *testing.B) {
	s := newTestStore(b)
	ctx := b.Context()
	fams := s.RefreshStore()
	if err := fams.CreateFamily(ctx, auth.Family{ID: "f", UserID: "u", Roles: []auth.Role{auth.RoleDriver}, CreatedAt: base, ExpiresAt: base.Add(24 * time.Hour), Head: "h0"}); err != nil {
		b.Fatal(err)
	}
	head, i := "h0", 0
	for b.Loop() {
		i++
		next := fmt.Sprint("h", i)
		if _, err := fams.RotateFamily(ctx, auth.Rotation{FamilyID: "f", Presented: head, Next: next, Salt: "s", Now: base.Add(time.Second)}); err != nil {
			b.Fatal(err)
		}
		head = next
	}
}

// BenchmarkRevocationStatus is the per-request revocation check of an
// access token: the user's epoch and the session's revocation.
func BenchmarkRevocationStatus(b *testing.B) {
	s := newTestStore(b)
	ctx := b.Context()
	rev := s.RevocationStore()
	if _, err := rev.BumpEpoch(ctx, "u"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := rev.Status(ctx, "u", "s1", base); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuditAppend is one record appended to the hash chain (one probe
// for the head, one insert).
func BenchmarkAuditAppend(b *testing.B) {
	s := newTestStore(b)
	ctx := b.Context()
	chain := audit.NewChain()
	e := audit.Entry{Time: base, Action: audit.ActionLogin, Outcome: audit.OutcomeSuccess, Actor: "u1",
		Data: []byte(`{"time":"2025-06-01T12:00:00Z","level":"INFO","msg":"login","action":"auth.login","outcome":"success"}`)}
	for b.Loop() {
		if _, err := chain.Append(ctx, s.AuditStore(), e); err != nil {
			b.Fatal(err)
		}
	}
}
