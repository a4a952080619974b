package mongo_test

import (
	"testing"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/storetest"
)

func TestRefreshStore(t *testing.T) {
	testURI(t)
	storetest.RunRefreshStore(t, func(t *testing.T) auth.RefreshStore { return newTestStore(t).RefreshStore() })
}

func TestRevocationStore(t *testing.T) {
	testURI(t)
	storetest.RunRevocationStore(t, func(t *testing.T) auth.RevocationStore { return newTestStore(t).RevocationStore() })
}

func TestAuditStore(t *testing.T) {
	testURI(t)
	storetest.RunAuditStore(t, func(t *testing.T) audit.Store { return newTestStore(t).AuditStore() })
}

func TestUserStore(t *testing.T) {
	testURI(t)
	storetest.RunUserStore(t, func(t *testing.T) auth.UserStore { return newTestStore(t).UserStore() })
}

func TestPendingStore(t *testing.T) {
	testURI(t)
	storetest.RunPendingStore(t, func(t *testing.T) auth.PendingStore { return newTestStore(t).PendingStore() })
}

func TestOTPStore(t *testing.T) {
	testURI(t)
	storetest.RunOTPStore(t, func(t *testing.T) auth.OTPStore { return newTestStore(t).OTPStore() })
}

func TestAttemptStore(t *testing.T) {
	testURI(t)
	storetest.RunAttemptStore(t, func(t *testing.T) auth.AttemptStore { return newTestStore(t).AttemptStore() })
}

func TestResetStore(t *testing.T) {
	testURI(t)
	storetest.RunResetStore(t, func(t *testing.T) auth.ResetStore { return newTestStore(t).ResetStore() })
}
