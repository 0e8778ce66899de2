package admin_test

import (
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/internal/contracttest"
)

// setup starts an admintest server whose every request and response is
// validated against api/openapi.yaml, and returns it with a client
// authenticated as its admin. Both are closed when the test ends.
func setup(t *testing.T, opts ...admintest.Option) (*admintest.Server, *admin.Client) {
	t.Helper()
	mw := admintest.WithMiddleware(contracttest.Middleware(t, contracttest.Options{Requests: true}))
	srv := admintest.NewServer(append([]admintest.Option{mw}, opts...)...)
	t.Cleanup(srv.Close)
	return srv, srv.Client(admin.WithRetry(admin.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 50 * time.Millisecond}))
}
