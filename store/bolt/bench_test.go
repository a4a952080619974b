package bolt_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
)

// Benchmarks of the operations on the login and request paths. Every write
// is a committed, fsynced bbolt transaction, so write figures are the
// disk's fsync latency plus a little; run them on the disk the server will
// use. See docs/benchmarks/store-bolt.md.

// BenchmarkBoltCommitBaseline is the floor under every write benchmark:
// a bare bbolt transaction putting one 100-byte value, committed and
// fsynced, with no encoding, indexes or checks.
func BenchmarkBoltCommitBaseline(b *testing.B) {
	db, err := bbolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	val := make([]byte, 100)
	for i := 0; b.Loop(); i++ {
		err := db.Update(func(tx *bbolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("b"))
			if err != nil {
				return err
			}
			return bk.Put([]byte("k"+strconv.Itoa(i%1000)), val)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRotateFamily is refresh-token consumption: the compare-and-swap
// of a family's head, one transaction each.
func BenchmarkRotateFamily(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b).RefreshStore()
	if err := s.CreateFamily(ctx, family("f", "u", base.Add(24*time.Hour))); err != nil {
		b.Fatal(err)
	}
	head := "h0"
	for i := 0; b.Loop(); i++ {
		next := "h" + strconv.Itoa(i+1)
		if _, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f", Presented: head, Next: next, Now: base.Add(time.Minute)}); err != nil {
			b.Fatal(err)
		}
		head = next
	}
}

// BenchmarkRotateFamilyParallel rotates distinct families from parallel
// goroutines: bbolt serialises the writers, so this shows the write
// throughput of one file.
func BenchmarkRotateFamilyParallel(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b).RefreshStore()
	var ids atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprintf("f%d", ids.Add(1))
		if err := s.CreateFamily(ctx, family(id, "u", base.Add(24*time.Hour))); err != nil {
			b.Error(err)
			return
		}
		head := "h0"
		for i := 0; pb.Next(); i++ {
			next := "h" + strconv.Itoa(i+1)
			if _, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: id, Presented: head, Next: next, Now: base.Add(time.Minute)}); err != nil {
				b.Error(err)
				return
			}
			head = next
		}
	})
}

// BenchmarkRevocationStatus is the check every authenticated request makes
// (epoch and session), a read-only transaction.
func BenchmarkRevocationStatus(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b).RevocationStore()
	if _, err := s.BumpEpoch(ctx, "u"); err != nil {
		b.Fatal(err)
	}
	if err := s.RevokeSession(ctx, "s-old", base.Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Status(ctx, "u", "s-live", base); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAuditAppend appends one sealed record (SHA-256 chain): read
// the head, seal, check and store in one transaction.
func BenchmarkAuditAppend(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b).AuditStore()
	chain := audit.NewChain()
	e := audit.Entry{Time: base, Action: audit.ActionLogin, Outcome: audit.OutcomeSuccess, Actor: "user-42",
		Data: []byte(`{"time":"2025-06-01T12:00:00Z","level":"INFO","msg":"login","action":"auth.login","outcome":"success","actor":{"id":"user-42"},"ip":"203.0.113.7"}`)}
	for b.Loop() {
		if _, err := chain.Append(ctx, s, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUserByEmail is the login's user lookup: the email index, then
// the user record, in one read-only transaction, from parallel readers.
func BenchmarkUserByEmail(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b).UserStore()
	const n = 1000
	for i := range n {
		u := auth.User{ID: fmt.Sprintf("u%04d", i), Email: fmt.Sprintf("user%04d@example.com", i), Username: fmt.Sprintf("user%04d", i),
			PasswordHash: "$2b$12$abcdefghijklmnopqrstuuvwxyzabcdefghijklmnopqrstuvwxyzab", Roles: []auth.Role{auth.RoleDriver}, CreatedAt: base}
		if err := s.Create(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	var i atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			email := fmt.Sprintf("user%04d@example.com", i.Add(1)%n)
			if _, err := s.ByEmail(ctx, email); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAttemptReserve is the login's reserve-before-compare step: read
// the key's count, decide, write, in one transaction.
func BenchmarkAttemptReserve(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b).AttemptStore()
	for i := 0; b.Loop(); i++ {
		// A fresh key per 5 attempts keeps every call a counted write.
		key := "login:203.0.113.7:user" + strconv.Itoa(i/5)
		if _, err := s.Reserve(ctx, key, 5, 15*time.Minute, base); err != nil {
			b.Fatal(err)
		}
	}
}
