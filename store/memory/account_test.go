package memory_test

import (
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
	"github.com/autospot/autospot/store/storetest"
)

func TestUserStore(t *testing.T) {
	storetest.RunUserStore(t, func(*testing.T) auth.UserStore { return memory.NewUserStore() })
}

func TestPendingStore(t *testing.T) {
	storetest.RunPendingStore(t, func(*testing.T) auth.PendingStore { return memory.NewPendingStore() })
}

func TestOTPStore(t *testing.T) {
	storetest.RunOTPStore(t, func(*testing.T) auth.OTPStore { return memory.NewOTPStore() })
}

func TestAttemptStore(t *testing.T) {
	storetest.RunAttemptStore(t, func(*testing.T) auth.AttemptStore { return memory.NewAttemptStore() })
}

func TestResetStore(t *testing.T) {
	storetest.RunResetStore(t, func(*testing.T) auth.ResetStore { return memory.NewResetStore() })
}
