package admin_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

// Every example runs against an in-memory admintest server, so it needs no
// account and no network; against the real API, build the client with
// admin.NewClient or admin.NewClientFromEnv instead of srv.Client.

func ExampleNewClient() {
	srv := admintest.NewServer()
	defer srv.Close()

	c, err := admin.NewClient(
		admin.WithBaseURL(srv.URL),
		admin.WithAPIKey(srv.APIKey),
		admin.WithRetry(admin.RetryPolicy{MaxRetries: 3, MaxWait: 10 * time.Second}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	roles, err := c.Roles.List(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(roles), "roles, the first is", roles[0].Name)
	// Output: 7 roles, the first is admin
}

func ExampleNewClient_clientCredentials() {
	srv := admintest.NewServer()
	defer srv.Close()
	oc := srv.NewOAuthClient("viewer")

	// An empty token URL means the base URL's /oauth/token.
	c, err := admin.NewClient(admin.WithBaseURL(srv.URL), admin.WithClientCredentials(oc.ID, oc.Secret, ""))
	if err != nil {
		fmt.Println(err)
		return
	}
	clusters, err := c.Clusters.List(context.Background(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(clusters.Data), "clusters")
	// Output: 3 clusters
}

func ExampleUsersService_Create() {
	srv := admintest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	u, err := c.Users.Create(ctx, &admin.CreateUserParams{
		Name:           "Ada Lovelace",
		Email:          "ada@example.com",
		Role:           admin.RoleEditor,
		SendInvitation: admin.Ptr(false),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	u, err = c.Users.Update(ctx, u.ID, &admin.UpdateUserParams{Role: admin.Ptr(admin.RoleViewer)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Name, u.Email, u.Role, u.Status)
	// Output: Ada Lovelace ada@example.com viewer active
}

func ExampleUsersService_All() {
	srv := admintest.NewServer(admintest.WithSeedData(45, 0, 0))
	defer srv.Close()
	c := srv.Client()

	// All fetches page after page (here 10 users a page) while the loop runs.
	n := 0
	for u, err := range c.Users.All(context.Background(), &admin.ListUsersParams{Limit: 10, Query: "seed-user-4"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if n < 2 {
			fmt.Println(u.Email)
		}
		n++
	}
	fmt.Println(n, "users match")
	// Output:
	// seed-user-4@example.com
	// seed-user-40@example.com
	// 7 users match
}

func ExampleUsersService_List_resume() {
	srv := admintest.NewServer(admintest.WithSeedData(5, 0, 0))
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	// Walk two users a page; save the cursor after each page, and resume
	// from it as a later run would.
	p := &admin.ListUsersParams{Limit: 2, Query: "seed-user"}
	page, err := c.Users.List(ctx, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	saved := page.NextCursor

	p.Cursor = saved
	var rest []string
	for u, err := range c.Users.All(ctx, p) {
		if err != nil {
			fmt.Println(err)
			return
		}
		rest = append(rest, u.Email)
	}
	fmt.Println(len(page.Data), "then", len(rest), "more:", rest[0])
	// Output: 2 then 3 more: seed-user-3@example.com
}

func ExampleError() {
	srv := admintest.NewServer()
	defer srv.Close()
	c := srv.Client()

	_, err := c.Users.Get(context.Background(), "usr_missing")
	var apiErr *admin.Error
	switch {
	case errors.Is(err, admin.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Println("not found:", apiErr.StatusCode, apiErr.Code, apiErr.RequestID != "")
	case err != nil:
		fmt.Println("other error:", err)
	}

	// Mistakes are caught before anything is sent.
	_, err = c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "Ann", Email: "not-an-email", Role: admin.RoleViewer})
	var pe *admin.ParamError
	fmt.Println(errors.Is(err, admin.ErrInvalidParams), errors.As(err, &pe) && pe.Field == "Email")
	// Output:
	// not found: 404 not_found true
	// true true
}

func ExampleWithIdempotencyKey() {
	srv := admintest.NewServer()
	defer srv.Close()
	c := srv.Client()

	// The same key makes a repeated change a replay, not a second change.
	ctx := admin.WithIdempotencyKey(context.Background(), "onboard-ada-2026-11-23")
	p := &admin.CreateUserParams{Name: "Ada", Email: "ada@example.com", Role: admin.RoleViewer}
	first, _ := c.Users.Create(ctx, p)
	var resp admin.Response
	second, err := c.Users.Create(admin.CaptureResponse(ctx, &resp), p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(first.ID == second.ID, resp.Replayed)
	// Output: true true
}

func ExampleGroupsService() {
	srv := admintest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	u, _ := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ann", Email: "ann@example.com", Role: admin.RoleResearcher})
	if _, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "ml-team", Roles: []admin.Role{admin.RoleResearcher}}); err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Groups.AddMember(ctx, "ml-team", u.ID); err != nil {
		fmt.Println(err)
		return
	}
	for m, err := range c.Groups.AllMembers(ctx, "ml-team", nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(m.Email)
	}
	// Output: ann@example.com
}

func ExampleProjectsService() {
	srv := admintest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	clusters, _ := c.Clusters.List(ctx, nil)
	u, _ := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ann", Email: "ann@example.com", Role: admin.RoleResearcher})
	p, err := c.Projects.Create(ctx, &admin.CreateProjectParams{
		Name: "vision", ClusterID: clusters.Data[0].ID, DeservedGPUs: 4, Members: []string{u.ID},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, p.DeservedGPUs, len(p.Members), p.ClusterID == clusters.Data[0].ID)
	// Output: vision 4 1 true
}

func ExampleClustersService() {
	srv := admintest.NewServer()
	defer srv.Close()
	c := srv.Client()

	for cl, err := range c.Clusters.All(context.Background(), nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(cl.Name)
	}
	// Output:
	// cluster-a
	// cluster-b
	// cluster-c
}

func ExampleRolesService() {
	srv := admintest.NewServer()
	defer srv.Close()

	roles, err := srv.Client().Roles.List(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		names = append(names, string(r.Name))
	}
	fmt.Println(slices.Contains(names, string(admin.RoleMLEngineer)), len(names))
	// Output: true 7
}

func ExampleMeService_ChangePassword() {
	srv := admintest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	err := c.Me.ChangePassword(ctx, "wrong-password", "a-new-long-password")
	fmt.Println(errors.Is(err, admin.ErrForbidden))
	err = c.Me.ChangePassword(ctx, admintest.DefaultAdminPassword, "a-new-long-password")
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

func ExampleAdminsService() {
	srv := admintest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	a, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "grace", Email: "grace@example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Username, a.Status)

	// The invitation carries a registration token; registering approves.
	a, _ = c.Admins.Get(ctx, "grace", &admin.GetAdminParams{GenerateRegisterURL: true})
	err = c.Admins.Register(ctx, &admin.RegisterAdminParams{
		Token: a.Token, Username: "grace", Email: "grace@example.com", Password: "correct-horse-battery",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ = c.Admins.Get(ctx, "grace", nil)
	fmt.Println(a.Status, a.CreatedAt.IsZero())
	// Output:
	// grace invited
	// approved false
}

func ExampleAuditLogsService() {
	srv := admintest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	start := time.Now().Add(-time.Minute)
	u, _ := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ann", Email: "ann@example.com", Role: admin.RoleViewer})
	_ = c.Users.Delete(ctx, u.ID)

	for ev, err := range c.AuditLogs.All(ctx, &admin.ListAuditLogsParams{StartTime: start, Action: "user.*"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(ev.Action, ev.TargetID == u.ID)
	}
	// Output:
	// user.create true
	// user.delete true
}

func Example_testingWithAdmintest() {
	// In a test: srv := admintest.NewServer(...); t.Cleanup(srv.Close).
	srv := admintest.NewServer(admintest.WithSeedData(3, 1, 0))
	defer srv.Close()

	// Lose the answer to the next request after its change is committed:
	// the client retries with the same idempotency key, and the server
	// replays its first answer instead of creating the user twice.
	srv.InjectFault(admintest.FaultResetAfterCommit, 1)
	c := srv.Client(admin.WithRetry(admin.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}))
	_, err := c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "Ann", Email: "ann@example.com", Role: admin.RoleViewer})

	creates := 0
	for _, ev := range srv.AuditLog() {
		if ev.Action == "user.create" {
			creates++
		}
	}
	fmt.Println(err, creates)
	// Output: <nil> 1
}

// concurrencyCap is a Limiter that lets at most cap(slots) attempts be in
// flight at once, across every Client that shares it, and counts them.
type concurrencyCap struct {
	slots              chan struct{}
	attempts, inflight atomic.Int64
	most               atomic.Int64
}

func (l *concurrencyCap) Wait(ctx context.Context, _ admin.Scope) error {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	l.attempts.Add(1)
	n := l.inflight.Add(1)
	for m := l.most.Load(); n > m && !l.most.CompareAndSwap(m, n); m = l.most.Load() {
	}
	return nil
}

// Observe frees the slot of an attempt that has its answer.
func (l *concurrencyCap) Observe(admin.Scope, admin.Outcome) {
	l.inflight.Add(-1)
	<-l.slots
}

func ExampleWithLimiter() {
	srv := admintest.NewServer()
	defer srv.Close()

	lim := &concurrencyCap{slots: make(chan struct{}, 2)}
	c, err := admin.NewClient(admin.WithBaseURL(srv.URL), admin.WithAPIKey(srv.APIKey), admin.WithLimiter(lim))
	if err != nil {
		fmt.Println(err)
		return
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := c.Roles.List(context.Background()); err != nil {
				fmt.Println(err)
			}
		})
	}
	wg.Wait()
	fmt.Println(lim.attempts.Load(), "attempts; never more than 2 at once:", lim.most.Load() <= 2)
	// Output: 10 attempts; never more than 2 at once: true
}

// printer is an Observer that prints each call, wait and attempt, and
// adds a request id of its own to every attempt.
type printer struct{}

func (printer) StartCall(ctx context.Context, c admin.CallInfo) context.Context {
	fmt.Println("call", c.Method, c.Route)
	return ctx
}

func (printer) Waited(_ context.Context, w admin.Wait) {
	if w.Reason != admin.WaitLimiter { // the Limiter is asked before every attempt
		fmt.Println("  waited:", w.Reason)
	}
}

func (printer) StartAttempt(ctx context.Context, a admin.Attempt) context.Context {
	a.Header.Set("X-Client-Trace", fmt.Sprint("attempt-", a.Number))
	fmt.Println("  attempt", a.Number)
	return ctx
}

func (printer) EndAttempt(_ context.Context, r admin.AttemptResult) {
	fmt.Printf("  status %d, retry %q\n", r.StatusCode, r.Retry)
}

func (printer) EndCall(_ context.Context, r admin.CallResult) {
	fmt.Println("done after", r.Attempts, "attempts, failed:", r.Err != nil)
}

func ExampleWithObserver() {
	srv := admintest.NewServer(admintest.WithSeedData(1, 0, 0))
	defer srv.Close()
	c := srv.Client(admin.WithObserver(printer{}), admin.WithRetry(admin.RetryPolicy{MinWait: time.Millisecond, MaxWait: time.Millisecond}))

	srv.InjectFault(admintest.FaultBadGateway, 1)
	if _, err := c.Roles.List(context.Background()); err != nil {
		fmt.Println(err)
	}
	_, err := c.Users.Get(context.Background(), "usr_missing")
	fmt.Println(errors.Is(err, admin.ErrNotFound))
	// Output:
	// call GET /roles
	//   attempt 1
	//   status 502, retry "status"
	//   waited: backoff
	//   attempt 2
	//   status 200, retry ""
	// done after 2 attempts, failed: false
	// call GET /users/{id}
	//   attempt 1
	//   status 404, retry ""
	// done after 1 attempts, failed: true
	// true
}
