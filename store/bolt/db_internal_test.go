package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// A context canceled after a write transaction began (while the caller
// waited for the writer lock, or during its work) rolls the write back:
// update checks the context again before it commits.
func TestUpdateChecksContextBeforeCommit(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	err = db.update(ctx, "test", func(tx *bbolt.Tx) error {
		if err := tx.Bucket([]byte(bucketEpochs)).Put([]byte("u1"), u64(1)); err != nil {
			return err
		}
		cancel() // the caller gives up before the commit
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("update = %v, want context.Canceled", err)
	}
	st, err := db.RevocationStore().Status(context.Background(), "u1", "", time.Time{})
	if err != nil || st.Epoch != 0 {
		t.Fatalf("canceled write was committed: epoch %d, %v", st.Epoch, err)
	}
}

// Durability across power loss rests on bbolt fsyncing every commit; the
// SIGKILL test cannot see a missing fsync (the page cache survives a
// killed process), so this guards the setting itself.
func TestOpenKeepsFsyncOnCommit(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.bolt.NoSync || db.bolt.NoGrowSync || db.bolt.NoFreelistSync {
		t.Fatalf("sync disabled: NoSync %v NoGrowSync %v NoFreelistSync %v", db.bolt.NoSync, db.bolt.NoGrowSync, db.bolt.NoFreelistSync)
	}
}
