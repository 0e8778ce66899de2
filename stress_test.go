package admin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

// TestStress runs 64 goroutines on one client against admintest: each
// creates, reads, renames, lists, joins a group and deletes its own users.
// Every answer must be the one for its own request (no answer crosses to
// another goroutine), every request id is seen once, and the server's
// audit log ends with exactly the changes made. Run it with -race.
func TestStress(t *testing.T) {
	t.Parallel()
	const workers, rounds = 64, 3
	srv, c := setup(t, admintest.WithSeedData(10, 0, 0))
	ctx := context.Background()
	_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "stress", Roles: []admin.Role{admin.RoleViewer}})
	require.NoError(t, err)
	auditBefore := len(srv.AuditLog())

	var mu sync.Mutex
	requestIDs := map[string]int{}
	seen := func(r *admin.Response) {
		mu.Lock()
		defer mu.Unlock()
		requestIDs[r.RequestID]++
	}
	errs := make(chan error, workers*rounds)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				errs <- stressRound(c, w, i, seen)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for id, n := range requestIDs {
		require.NotEmpty(t, id)
		require.Equal(t, 1, n, "request id %s answered %d calls", id, n)
	}
	// Per round: create, update, group add, group remove, delete.
	assert.Len(t, srv.AuditLog(), auditBefore+workers*rounds*5)
	for _, u := range srv.Users() {
		assert.NotContains(t, u.Email, "stress-", "a user survived its delete")
	}
	g, err := c.Groups.Get(ctx, "stress")
	require.NoError(t, err)
	assert.Empty(t, g.Members)
}

// stressRound is one round of one stress worker; it returns the first
// thing that went wrong.
func stressRound(c *admin.Client, w, i int, seen func(*admin.Response)) error {
	var resp admin.Response
	ctx := admin.CaptureResponse(context.Background(), &resp)
	email := fmt.Sprintf("stress-%d-%d@example.com", w, i)
	u, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Stress", Email: email, Role: admin.RoleViewer, SendInvitation: admin.Ptr(false)})
	if err != nil {
		return err
	}
	seen(&resp)
	if u.Email != email {
		return fmt.Errorf("created %s, got %s", email, u.Email)
	}
	got, err := c.Users.Get(ctx, u.ID)
	if err != nil {
		return err
	}
	seen(&resp)
	if got.ID != u.ID || got.Email != email {
		return fmt.Errorf("got %s/%s, want %s/%s", got.ID, got.Email, u.ID, email)
	}
	name := fmt.Sprintf("Stress %d-%d", w, i)
	up, err := c.Users.Update(ctx, u.ID, &admin.UpdateUserParams{Name: &name, Role: admin.Ptr(admin.RoleResearcher)})
	if err != nil {
		return err
	}
	seen(&resp)
	if up.ID != u.ID || up.Name != name {
		return fmt.Errorf("updated %s to %q, got %s %q", u.ID, name, up.ID, up.Name)
	}
	pg, err := c.Users.List(ctx, &admin.ListUsersParams{Query: email})
	if err != nil {
		return err
	}
	seen(&resp)
	if len(pg.Data) != 1 || pg.Data[0].ID != u.ID {
		return fmt.Errorf("listing %s found %d users", email, len(pg.Data))
	}
	n := 0
	for _, err := range c.Users.All(context.Background(), &admin.ListUsersParams{Limit: 7 + w%5}) {
		if err != nil {
			return err
		}
		if n++; n == 12 {
			break
		}
	}
	if err := c.Groups.AddMember(ctx, "stress", u.ID); err != nil {
		return err
	}
	seen(&resp)
	if err := c.Groups.RemoveMember(ctx, "stress", u.ID); err != nil {
		return err
	}
	seen(&resp)
	if err := c.Users.Delete(ctx, u.ID); err != nil {
		return err
	}
	seen(&resp)
	if _, err := c.Users.Get(ctx, u.ID); !errors.Is(err, admin.ErrNotFound) {
		return fmt.Errorf("get after delete: %v", err)
	}
	seen(&resp)
	_, _ = c.RateLimit()
	return nil
}

// TestNoGoroutineLeftBehind breaks out of an iteration while the next page
// is being fetched, and cancels a call while it waits to retry: once the
// client's idle connections are closed, no goroutine is left. It does not
// run in parallel, so that goleak sees only its own goroutines; TestMain's
// goleak check covers every other test.
func TestNoGoroutineLeftBehind(t *testing.T) {
	srv := admintest.NewServer(admintest.WithSeedData(30, 0, 0), admintest.WithFaults(admintest.Faults{RetryAfter: 30}))
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	defer srv.Close()
	defer tr.CloseIdleConnections()

	waiting := make(chan admin.RetryReason, 1)
	rec := &watcher{onEndAttempt: func(a admin.AttemptResult) {
		if a.Retry != "" {
			waiting <- a.Retry
		}
	}}
	c := srv.Client(admin.WithHTTPClient(&http.Client{Transport: tr}),
		admin.WithRetry(admin.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Minute}),
		admin.WithObserver(rec))

	// An iteration broken out of after the first item of the first page,
	// with the second page in flight.
	n := 0
	for _, err := range c.Users.All(context.Background(), &admin.ListUsersParams{Limit: 2}) {
		require.NoError(t, err)
		if n++; n == 1 {
			break
		}
	}

	// A change that waits 30s to retry after a 503, cancelled while it waits.
	srv.InjectFault(admintest.FaultUnavailableRetryAfter, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Leak", Email: "leak@example.com", Role: admin.RoleViewer})
		done <- err
	}()
	assert.Equal(t, admin.RetryStatus, <-waiting)
	cancel()
	err := <-done
	waits := rec.retryWaits()
	require.Len(t, waits, 1, "the wait cut short is reported")
	assert.Less(t, waits[0], 30*time.Second)
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, admin.ErrPossiblyApplied, "the 503 said it was not applied")
	_, ok := srv.UserByEmail("leak@example.com")
	assert.False(t, ok)
}
