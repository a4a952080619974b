package session_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
)

// BenchmarkStartEnd measures one atomic start (three claims) plus its end.
func BenchmarkStartEnd(b *testing.B) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	run := func(b *testing.B, r session.Repository) {
		ctx := context.Background()
		i := 0
		for b.Loop() {
			i++
			id := fmt.Sprint("s", i)
			s := session.Session{ID: id, DriverID: "u1", Vehicle: "AAA", Slot: parking.SlotRef{Building: "B", Level: 1, ID: "1A"}, Status: session.StatusActive, StartedAt: now}
			if err := r.Start(ctx, s); err != nil {
				b.Fatal(err)
			}
			if _, err := r.End(ctx, "u1", id, now, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("memory", func(b *testing.B) { run(b, session.NewMemory()) })
	b.Run("bolt", func(b *testing.B) {
		db, err := bbolt.Open(filepath.Join(b.TempDir(), "s.db"), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		r, _ := session.NewBolt(db)
		run(b, r)
	})
}
