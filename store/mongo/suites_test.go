package mongo_test

import (
	"testing"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/store/storetest"
)

func TestRefreshStore(t *testing.T) {
	testenv.MongoURI(t)
	storetest.RunRefreshStore(t, func(t *testing.T) auth.RefreshStore { return newTestStore(t).RefreshStore() })
}

func TestRevocationStore(t *testing.T) {
	testenv.MongoURI(t)
	storetest.RunRevocationStore(t, func(t *testing.T) auth.RevocationStore { return newTestStore(t).RevocationStore() })
}

func TestAuditStore(t *testing.T) {
	testenv.MongoURI(t)
	storetest.RunAuditStore(t, func(t *testing.T) audit.Store { return newTestStore(t).AuditStore() })
}

func TestUserStore(t *testing.T) {
	testenv.MongoURI(t)
	storetest.RunUserStore(t, func(t *testing.T) auth.UserStore { return newTestStore(t).UserStore() })
}

func TestPendingStore(t *testing.T) {
	testenv.MongoURI(t)
	storetest.RunPendingStore(t, func(t *testing.T) auth.PendingStore { return newTestStore(t).PendingStore() })
}

func TestOTPStore(t *testing.T) {
	testenv.MongoURI(t)
	storetest.RunOTPStore(t, func(t *testing.T) auth.OTPStore { return newTestStore(t).OTPStore() })
}

func TestAttemptStore(t *testing.T) {
	testenv.MongoURI(t)
	storetest.RunAttemptStore(t, func(t *testing.T) auth.AttemptStore { return newTestStore(t).AttemptStore() })
}

func TestResetStore(t *testing.T) {
	testenv.MongoURI(t)
	storetest.RunResetStore(t, func(t *testing.T) auth.ResetStore { return newTestStore(t).ResetStore() })
}
