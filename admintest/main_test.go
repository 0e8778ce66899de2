package admintest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind: a server
// not closed, a handler still sleeping, a connection never released.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
