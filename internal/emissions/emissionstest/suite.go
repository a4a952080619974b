// Package emissionstest is the conformance suite of
// [emissions.Repository]: every backend runs [Run].
package emissionstest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/emissions"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func rec(id, driver, session string, m emissions.Method, i int) emissions.Record {
	e, _ := emissions.Calculate(15, 60, 0.25, m)
	return emissions.Record{ID: id, DriverID: driver, SessionID: session, Endpoint: "session_end", Estimate: e, CreatedAt: t0.Add(time.Duration(i) * time.Second)}
}

// Run runs the suite; newRepo returns an empty repository per call.
func Run(t *testing.T, newRepo func(t *testing.T) emissions.Repository) {
	ctx := context.Background()
	t.Run("OwnedRecords", func(t *testing.T) {
		r := newRepo(t)
		for i := 0; i < 4; i++ {
			if err := r.Add(ctx, rec(fmt.Sprint("a", i), "d1", fmt.Sprint("s", i%2), emissions.Static, i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Add(ctx, rec("b0", "d2", "s0", emissions.Dynamic, 9)); err != nil {
			t.Fatal(err)
		}
		if err := r.Add(ctx, rec("a0", "d1", "", emissions.Static, 10)); !errors.Is(err, emissions.ErrInvalid) {
			t.Fatalf("reused id: %v", err)
		}
		got, err := r.Get(ctx, "d1", "a1")
		if err != nil || got.Estimate.Saved != 11.25 || got.SessionID != "s1" || !got.CreatedAt.Equal(t0.Add(time.Second)) {
			t.Fatalf("get %+v %v", got, err)
		}
		if _, err := r.Get(ctx, "d2", "a1"); !errors.Is(err, emissions.ErrNotFound) {
			t.Fatalf("another driver's record: %v", err)
		}
		l, _ := r.List(ctx, "d1", emissions.Filter{})
		if len(l) != 4 || l[0].ID != "a3" || l[3].ID != "a0" {
			t.Fatalf("list %+v", l)
		}
		if l, _ := r.List(ctx, "d1", emissions.Filter{SessionID: "s0", Limit: 1}); len(l) != 1 || l[0].ID != "a2" {
			t.Fatalf("filtered %+v", l)
		}
		if l, _ := r.List(ctx, "d1", emissions.Filter{Method: emissions.Dynamic}); len(l) != 0 {
			t.Fatalf("method filter %+v", l)
		}
		if _, err := r.List(ctx, "d1", emissions.Filter{Limit: 101}); !errors.Is(err, emissions.ErrInvalid) {
			t.Fatalf("limit 101: %v", err)
		}
		if n, err := r.Delete(ctx, "d2", "s1"); err != nil || n != 0 {
			t.Fatalf("d2 deleted %d of d1's", n)
		}
		if n, _ := r.Delete(ctx, "d1", "s1"); n != 2 {
			t.Fatalf("deleted %d, want 2", n)
		}
		if n, _ := r.Delete(ctx, "d1", ""); n != 2 {
			t.Fatalf("deleted %d, want 2", n)
		}
		if l, _ := r.List(ctx, "d2", emissions.Filter{}); len(l) != 1 {
			t.Fatalf("d2's record gone: %+v", l)
		}
	})
}
