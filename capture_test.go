package admin_test

import (
	"context"
	"testing"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"github.com/stretchr/testify/require"
)

// TestCaptureResponseDuringIteration reads the captured response inside the
// loop while the pager fetches the next page: under -race this caught the
// prefetch writing the caller's Response concurrently.
func TestCaptureResponseDuringIteration(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, admintest.WithSeedData(6, 0, 0))
	var resp admin.Response
	ctx := admin.CaptureResponse(context.Background(), &resp)
	n := 0
	for _, err := range c.Users.All(ctx, &admin.ListUsersParams{Limit: 1}) {
		require.NoError(t, err)
		require.Equal(t, 200, resp.StatusCode) // read while the next page is being fetched
		require.NotEmpty(t, resp.RequestID)
		n++
	}
	require.Greater(t, n, 3)
	require.Equal(t, len(srv.Users()), n)
}
