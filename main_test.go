package admin_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind: iterators
// broken out of early and calls cancelled mid-retry included.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
