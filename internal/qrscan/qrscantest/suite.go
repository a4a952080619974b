// Package qrscantest is the conformance suite of [qrscan.Repository]:
// every backend runs [Run].
package qrscantest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/qrscan"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func rec(driver, code string, i int) qrscan.Record {
	return qrscan.Record{
		ID: qrscan.ID(driver, code), DriverID: driver, Building: "B", EntranceID: code, Level: 1,
		ExpiresAt: t0.Add(time.Hour), ScannedAt: t0.Add(time.Duration(i) * time.Second),
	}
}

// Run runs the suite; newRepo returns an empty repository per call.
func Run(t *testing.T, newRepo func(t *testing.T) qrscan.Repository) {
	ctx := context.Background()
	t.Run("OwnershipOrderLimit", func(t *testing.T) {
		r := newRepo(t)
		for i := 0; i < 5; i++ {
			if ok, err := r.Add(ctx, rec("d1", fmt.Sprint("E", i), i)); err != nil || !ok {
				t.Fatalf("add %d: %v %v", i, ok, err)
			}
		}
		if ok, err := r.Add(ctx, rec("d2", "E0", 9)); err != nil || !ok {
			t.Fatalf("d2's scan of the same code is its own record: %v %v", ok, err)
		}
		l, err := r.List(ctx, "d1", 0)
		if err != nil || len(l) != 5 || l[0].EntranceID != "E4" || l[4].EntranceID != "E0" {
			t.Fatalf("list %+v %v", l, err)
		}
		got := l[4]
		if got.DriverID != "d1" || got.Building != "B" || got.Level != 1 || !got.ScannedAt.Equal(t0) || !got.ExpiresAt.Equal(t0.Add(time.Hour)) || got.ID != qrscan.ID("d1", "E0") {
			t.Fatalf("record %+v", got)
		}
		if l, _ := r.List(ctx, "d1", 2); len(l) != 2 || l[0].EntranceID != "E4" || l[1].EntranceID != "E3" {
			t.Fatalf("limit 2: %+v", l)
		}
		if l, _ := r.List(ctx, "d2", 0); len(l) != 1 || l[0].DriverID != "d2" {
			t.Fatalf("d2 sees %+v", l)
		}
		if l, _ := r.List(ctx, "nobody", 0); l == nil || len(l) != 0 {
			t.Fatalf("nobody sees %+v", l)
		}
		for _, bad := range []int{-1, 101} {
			if _, err := r.List(ctx, "d1", bad); !errors.Is(err, qrscan.ErrInvalid) {
				t.Fatalf("limit %d: %v", bad, err)
			}
		}
		if l, err := r.List(ctx, "d1", 100); err != nil || len(l) != 5 {
			t.Fatalf("limit 100: %d %v", len(l), err)
		}
	})
	t.Run("Dedup", func(t *testing.T) {
		r := newRepo(t)
		if ok, _ := r.Add(ctx, rec("d1", "E0", 0)); !ok {
			t.Fatal("first scan not created")
		}
		if ok, err := r.Add(ctx, rec("d1", "E0", 60)); err != nil || ok {
			t.Fatalf("rescan created a record: %v %v", ok, err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := r.Add(ctx, rec("d1", "E1", 100+i))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					created++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if created != 1 {
			t.Fatalf("%d concurrent scans of one code created records", created)
		}
		l, _ := r.List(ctx, "d1", 0)
		if len(l) != 2 || l[1].EntranceID != "E0" || !l[1].ScannedAt.Equal(t0) {
			t.Fatalf("after rescans: %+v", l)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		r := newRepo(t)
		for name, bad := range map[string]func(*qrscan.Record){
			"no id": func(x *qrscan.Record) { x.ID = "" }, "no driver": func(x *qrscan.Record) { x.DriverID = "" },
			"no building": func(x *qrscan.Record) { x.Building = "" }, "control": func(x *qrscan.Record) { x.EntranceID = "a\nb" },
			"no expiry": func(x *qrscan.Record) { x.ExpiresAt = time.Time{} }, "no scan time": func(x *qrscan.Record) { x.ScannedAt = time.Time{} },
		} {
			x := rec("d1", "E0", 0)
			bad(&x)
			if _, err := r.Add(ctx, x); !errors.Is(err, qrscan.ErrInvalid) {
				t.Fatalf("%s: %v", name, err)
			}
		}
	})
	t.Run("DeleteDriver", func(t *testing.T) {
		r := newRepo(t)
		for i := 0; i < 3; i++ {
			_, _ = r.Add(ctx, rec("d1", fmt.Sprint("E", i), i))
		}
		_, _ = r.Add(ctx, rec("d2", "E0", 0))
		if n, err := r.DeleteDriver(ctx, "d1"); err != nil || n != 3 {
			t.Fatalf("deleted %d %v", n, err)
		}
		if l, _ := r.List(ctx, "d1", 0); len(l) != 0 {
			t.Fatalf("left %+v", l)
		}
		if l, _ := r.List(ctx, "d2", 0); len(l) != 1 {
			t.Fatalf("d2's record gone: %+v", l)
		}
		if n, err := r.DeleteDriver(ctx, "d1"); err != nil || n != 0 {
			t.Fatalf("again: %d %v", n, err)
		}
		// A deleted scan can be recorded again.
		if ok, err := r.Add(ctx, rec("d1", "E0", 5)); err != nil || !ok {
			t.Fatalf("re-add after delete: %v %v", ok, err)
		}
	})
}
