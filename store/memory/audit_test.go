package memory_test

import (
	"testing"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/store/memory"
	"github.com/autospot/autospot/store/storetest"
)

func TestAuditStore(t *testing.T) {
	storetest.RunAuditStore(t, func(*testing.T) audit.Store { return memory.NewAuditStore() })
}
