package mongo_test

import (
	"testing"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/store/mongo"
	"github.com/autospot/autospot/store/storetest"
)

// runSuite runs a storetest suite, handing it the sub-store pick takes
// from a fresh [mongo.Store] (its own database) per store it asks for. It
// skips when no MongoDB is configured.
func runSuite[S any](t *testing.T, suite func(*testing.T, func(*testing.T) S), pick func(*mongo.Store) S) {
	testenv.MongoURI(t)
	suite(t, func(t *testing.T) S { return pick(newTestStore(t)) })
}

func TestRefreshStore(t *testing.T) {
	runSuite(t, storetest.RunRefreshStore, func(s *mongo.Store) auth.RefreshStore { return s.RefreshStore() })
}

func TestRevocationStore(t *testing.T) {
	runSuite(t, storetest.RunRevocationStore, func(s *mongo.Store) auth.RevocationStore { return s.RevocationStore() })
}

func TestAuditStore(t *testing.T) {
	runSuite(t, storetest.RunAuditStore, func(s *mongo.Store) audit.Store { return s.AuditStore() })
}

func TestUserStore(t *testing.T) {
	runSuite(t, storetest.RunUserStore, func(s *mongo.Store) auth.UserStore { return s.UserStore() })
}

func TestPendingStore(t *testing.T) {
	runSuite(t, storetest.RunPendingStore, func(s *mongo.Store) auth.PendingStore { return s.PendingStore() })
}

func TestOTPStore(t *testing.T) {
	runSuite(t, storetest.RunOTPStore, func(s *mongo.Store) auth.OTPStore { return s.OTPStore() })
}

func TestAttemptStore(t *testing.T) {
	runSuite(t, storetest.RunAttemptStore, func(s *mongo.Store) auth.AttemptStore { return s.AttemptStore() })
}

func TestResetStore(t *testing.T) {
	runSuite(t, storetest.RunResetStore, func(s *mongo.Store) auth.ResetStore { return s.ResetStore() })
}
