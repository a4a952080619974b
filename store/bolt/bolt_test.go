package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/bolt"
	"github.com/autospot/autospot/store/storetest"
)

// openTemp opens a new database file in t's temporary directory and closes
// it when t ends.
func openTemp(t testing.TB) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "autospot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func TestRefreshStore(t *testing.T) {
	storetest.RunRefreshStore(t, func(t *testing.T) auth.RefreshStore { return openTemp(t).RefreshStore() })
}

func TestRevocationStore(t *testing.T) {
	storetest.RunRevocationStore(t, func(t *testing.T) auth.RevocationStore { return openTemp(t).RevocationStore() })
}

func TestAuditStore(t *testing.T) {
	storetest.RunAuditStore(t, func(t *testing.T) audit.Store { return openTemp(t).AuditStore() })
}

func TestUserStore(t *testing.T) {
	storetest.RunUserStore(t, func(t *testing.T) auth.UserStore { return openTemp(t).UserStore() })
}

func TestPendingStore(t *testing.T) {
	storetest.RunPendingStore(t, func(t *testing.T) auth.PendingStore { return openTemp(t).PendingStore() })
}

func TestOTPStore(t *testing.T) {
	storetest.RunOTPStore(t, func(t *testing.T) auth.OTPStore { return openTemp(t).OTPStore() })
}

func TestAttemptStore(t *testing.T) {
	storetest.RunAttemptStore(t, func(t *testing.T) auth.AttemptStore { return openTemp(t).AttemptStore() })
}

func TestResetStore(t *testing.T) {
	storetest.RunResetStore(t, func(t *testing.T) auth.ResetStore { return openTemp(t).ResetStore() })
}
