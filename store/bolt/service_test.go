package bolt_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/bolt"
)

// The auth service on a bolt file: a spent refresh token replayed after a
// restart is still detected, and the whole session is revoked.
func TestServiceReuseDetectionSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	key, err := auth.NewHMACKey("k1", []byte("test-secret-test-secret-test-sec"))
	if err != nil {
		t.Fatal(err)
	}
	ring, err := auth.NewKeyRing(key)
	if err != nil {
		t.Fatal(err)
	}
	open := func() (*bolt.DB, *auth.Service) {
		t.Helper()
		db, err := bolt.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		svc, err := auth.NewService(ring, db.RefreshStore(), db.RevocationStore(), auth.WithRefreshGrace(0))
		if err != nil {
			t.Fatal(err)
		}
		return db, svc
	}

	db, svc := open()
	first, err := svc.IssuePair(ctx, auth.Subject{ID: "user-1", Roles: []auth.Role{auth.RoleDriver}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.Refresh(ctx, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, svc = open()
	defer db.Close()
	if _, err := svc.Refresh(ctx, first.RefreshToken); !errors.Is(err, auth.ErrRefreshReused) {
		t.Fatalf("replayed spent token after restart: %v, want ErrRefreshReused", err)
	}
	if _, err := svc.Refresh(ctx, second.RefreshToken); err == nil {
		t.Fatal("the family's live token still refreshes after reuse was detected")
	}
	f, err := db.RefreshStore().Family(ctx, second.SessionID)
	if err != nil || f.RevokedAt.IsZero() || f.RevokeReason == "" {
		t.Fatalf("family after reuse: %+v, %v", f, err)
	}
}
