package bolt_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/bolt"
)

var base = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func family(id, user string, expires time.Time) auth.Family {
	return auth.Family{ID: id, UserID: user, Roles: []auth.Role{auth.RoleDriver}, CreatedAt: base, ExpiresAt: expires, Head: "h0"}
}

func TestOpenCreatesOwnerOnlyFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	path := filepath.Join(t.TempDir(), "db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != bolt.FileMode {
		t.Fatalf("file mode %v, want %v", got, os.FileMode(bolt.FileMode))
	}
	if db.Path() != path {
		t.Fatalf("Path() = %q", db.Path())
	}
}

func TestOpenInvalidConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts []bolt.Option
	}{
		{"empty path", "", nil},
		{"zero lock timeout", filepath.Join(dir, "a"), []bolt.Option{bolt.WithLockTimeout(0)}},
		{"negative lock timeout", filepath.Join(dir, "b"), []bolt.Option{bolt.WithLockTimeout(-time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := bolt.Open(tt.path, tt.opts...)
			if !errors.Is(err, bolt.ErrInvalidConfig) {
				if db != nil {
					db.Close()
				}
				t.Fatalf("Open = %v, want ErrInvalidConfig", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); !os.IsNotExist(err) {
		t.Fatalf("invalid Open created a file: %v", err)
	}
}

// A second Open of a locked file fails after the timeout instead of
// hanging; the lock is released by Close.
func TestOpenLockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	first, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bolt.Open(path, bolt.WithLockTimeout(100*time.Millisecond)); !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, err := bolt.Open(path, bolt.WithLockTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	second.Close()
}

func TestOpenRejectsForeignFiles(t *testing.T) {
	dir := t.TempDir()
	t.Run("not a bbolt file", func(t *testing.T) {
		path := filepath.Join(dir, "garbage")
		if err := os.WriteFile(path, make([]byte, 64<<10), 0o600); err != nil {
			t.Fatal(err)
		}
		if db, err := bolt.Open(path); err == nil {
			db.Close()
			t.Fatal("opened a file of zeros")
		}
	})
	t.Run("other format version", func(t *testing.T) {
		path := filepath.Join(dir, "future")
		raw, err := bbolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = raw.Update(func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucket([]byte("meta"))
			if err != nil {
				return err
			}
			return b.Put([]byte("version"), []byte{0, 0, 0, 0, 0, 0, 0, 99})
		})
		raw.Close()
		if err != nil {
			t.Fatal(err)
		}
		if db, err := bolt.Open(path); !errors.Is(err, bolt.ErrVersion) {
			if db != nil {
				db.Close()
			}
			t.Fatalf("Open = %v, want ErrVersion", err)
		}
	})
}

// A record damaged outside the package is reported as ErrCorrupt, never a
// panic or a half-decoded family.
func TestCorruptRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := db.RefreshStore().CreateFamily(ctx, family("f1", "u1", base.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("refresh.families"))
		v := b.Get([]byte("f1"))
		return b.Put([]byte("f1"), v[:len(v)-3])
	})
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err = bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.RefreshStore().Family(ctx, "f1"); !errors.Is(err, bolt.ErrCorrupt) {
		t.Fatalf("Family = %v, want ErrCorrupt", err)
	}
	if _, err := db.RefreshStore().RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: "h0", Next: "h1", Now: base}); !errors.Is(err, bolt.ErrCorrupt) {
		t.Fatalf("RotateFamily = %v, want ErrCorrupt", err)
	}
}

func TestClosed(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	ctx := context.Background()
	ops := map[string]func() error{
		"CreateFamily": func() error { return db.RefreshStore().CreateFamily(ctx, family("f1", "u1", base.Add(time.Hour))) },
		"Family":       func() error { _, err := db.RefreshStore().Family(ctx, "f1"); return err },
		"Status":       func() error { _, err := db.RevocationStore().Status(ctx, "u", "s", base); return err },
		"Append": func() error {
			_, err := audit.NewChain().Append(ctx, db.AuditStore(), audit.Entry{Time: base, Action: "a.b", Data: []byte("{}")})
			return err
		},
		"Prune": func() error { _, err := db.Prune(ctx, base); return err },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			if err := op(); !errors.Is(err, bolt.ErrClosed) {
				t.Fatalf("%s after Close = %v, want ErrClosed", name, err)
			}
		})
	}
}

// Everything written is there after Close and Open, byte for byte.
func TestSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := family("f1", "u1", base.Add(time.Hour))
	f.Roles = []auth.Role{auth.RoleOperator, auth.RoleAdmin}
	f.Facility, f.Epoch = "westfield", 7
	if err := db.RefreshStore().CreateFamily(ctx, f); err != nil {
		t.Fatal(err)
	}
	rotated, err := db.RefreshStore().RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: "h0", Next: "h1", Salt: "s", Now: base.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RevocationStore().BumpEpoch(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if err := db.RevocationStore().RevokeSession(ctx, "s1", base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	chain := audit.NewChain()
	for i := range 3 {
		if _, err := chain.Append(ctx, db.AuditStore(), audit.Entry{Time: base.Add(time.Duration(i) * time.Second), Action: "a.b", Actor: "u1", Data: []byte(`{"i":1}`)}); err != nil {
			t.Fatal(err)
		}
	}
	headBefore, _ := db.AuditStore().Head(ctx)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.RefreshStore().Family(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Head != rotated.Head || got.Prev != rotated.Prev || got.Salt != "s" || got.Generation != 1 ||
		!got.RotatedAt.Equal(rotated.RotatedAt) || len(got.Roles) != 2 || got.Roles[1] != auth.RoleAdmin ||
		got.Facility != "westfield" || got.Epoch != 7 || !got.ExpiresAt.Equal(f.ExpiresAt) {
		t.Fatalf("family after restart %+v, want %+v", got, rotated)
	}
	st, err := db.RevocationStore().Status(ctx, "u1", "s1", base)
	if err != nil || st != (auth.RevocationStatus{Epoch: 1, SessionRevoked: true}) {
		t.Fatalf("revocation after restart %+v, %v", st, err)
	}
	head, err := chain.Verify(ctx, db.AuditStore(), 1, 0)
	if err != nil || head.Seq != 3 || string(head.Hash) != string(headBefore.Hash) {
		t.Fatalf("audit after restart: %+v, %v", head, err)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	fams, revs := db.RefreshStore(), db.RevocationStore()
	for _, f := range []auth.Family{
		family("old1", "alice", base.Add(time.Hour)),
		family("old2", "bob", base.Add(time.Hour)),
		family("new", "alice", base.Add(3*time.Hour)),
		family("edge", "alice", base.Add(2*time.Hour)), // expires exactly at now: kept
	} {
		if err := fams.CreateFamily(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := revs.RevokeSession(ctx, "gone", base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := revs.RevokeSession(ctx, "edge", base.Add(2*time.Hour)); err != nil { // lapses at now
		t.Fatal(err)
	}
	if err := revs.RevokeSession(ctx, "kept", base.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := revs.RevokeSession(ctx, "kept", base.Add(5*time.Hour)); err != nil { // extended
		t.Fatal(err)
	}
	if _, err := revs.BumpEpoch(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	now := base.Add(2 * time.Hour)
	st, err := db.Prune(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if st.Families != 2 || st.Sessions != 2 {
		t.Fatalf("pruned %+v, want 2 families and 2 sessions", st)
	}
	for id, want := range map[string]bool{"old1": false, "old2": false, "new": true, "edge": true} {
		if _, err := fams.Family(ctx, id); (err == nil) != want {
			t.Errorf("family %s: %v, want present %v", id, err, want)
		}
	}
	// The user index no longer names the pruned family.
	if n, err := fams.RevokeUserFamilies(ctx, "alice", now, "logout-all"); err != nil || n != 2 {
		t.Fatalf("RevokeUserFamilies after prune = %d, %v", n, err)
	}
	if n, err := fams.RevokeUserFamilies(ctx, "bob", now, "logout-all"); err != nil || n != 0 {
		t.Fatalf("RevokeUserFamilies(bob) after prune = %d, %v", n, err)
	}
	s, err := revs.Status(ctx, "alice", "kept", now)
	if err != nil || !s.SessionRevoked || s.Epoch != 1 {
		t.Fatalf("after prune: %+v, %v", s, err)
	}
	if st, err := db.Prune(ctx, now); err != nil || st.Total() != 0 {
		t.Fatalf("second prune: %+v, %v", st, err)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCanceledContextWritesNothing(t *testing.T) {
	db := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := db.RefreshStore().CreateFamily(ctx, family("f1", "u1", base.Add(time.Hour))); !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateFamily = %v", err)
	}
	if _, err := db.RevocationStore().BumpEpoch(ctx, "u1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("BumpEpoch = %v", err)
	}
	bg := context.Background()
	if _, err := db.RefreshStore().Family(bg, "f1"); !errors.Is(err, auth.ErrFamilyNotFound) {
		t.Fatalf("canceled create stored a family: %v", err)
	}
	if st, _ := db.RevocationStore().Status(bg, "u1", "", base); st.Epoch != 0 {
		t.Fatalf("canceled bump stored epoch %d", st.Epoch)
	}
}
