package admin_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// teeHandler writes every record, at every level, through a text and a
// JSON handler: what a tracing logger would keep.
type teeHandler struct{ hs []slog.Handler }

func newTeeLogger(w io.Writer) *slog.Logger {
	o := &slog.HandlerOptions{Level: slog.LevelDebug - 4}
	return slog.New(teeHandler{[]slog.Handler{slog.NewTextHandler(w, o), slog.NewJSONHandler(w, o)}})
}

func (t teeHandler) Enabled(context.Context, slog.Level) bool { return true }

func (t teeHandler) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range t.hs {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}

func (t teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := teeHandler{}
	for _, h := range t.hs {
		out.hs = append(out.hs, h.WithAttrs(as))
	}
	return out
}

func (t teeHandler) WithGroup(name string) slog.Handler {
	out := teeHandler{}
	for _, h := range t.hs {
		out.hs = append(out.hs, h.WithGroup(name))
	}
	return out
}

// sweep collects everything a caller could print or log: error strings,
// %v, %+v and %#v of errors, results, params, the client and its options,
// and the client's own log.
type sweep struct {
	mu  sync.Mutex
	out strings.Builder
	log *lockedBuffer
}

func newSweep() *sweep { return &sweep{log: new(lockedBuffer)} }

func (s *sweep) print(vs ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vs {
		fmt.Fprintf(&s.out, "%v\n%+v\n%#v\n", v, v, v)
		if err, ok := v.(error); ok && err != nil {
			s.out.WriteString(err.Error() + "\n")
		}
	}
	// Each value as an attribute of its own, as a caller logs it: slog
	// resolves a LogValuer there (and not inside a slice).
	var args []any
	for i, v := range vs {
		args = append(args, fmt.Sprint("v", i), v)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("sweep", args...)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("sweep", args...)
	s.out.Write(buf.Bytes())
}

// check fails t for every secret found in what the sweep collected.
func (s *sweep) check(t *testing.T, secrets []string, patterns ...*regexp.Regexp) {
	t.Helper()
	s.mu.Lock()
	all := s.out.String()
	s.mu.Unlock()
	logs := s.log.String()
	require.NotEmpty(t, logs, "the debug logger recorded nothing")
	for _, sec := range secrets {
		require.GreaterOrEqual(t, len(sec), 8, "a short secret would match by chance")
		if i := strings.Index(all, sec); i >= 0 {
			t.Errorf("a secret appears in printed values: …%s…", excerpt(all, i, len(sec)))
		}
		if i := strings.Index(logs, sec); i >= 0 {
			t.Errorf("a secret appears in the log: …%s…", excerpt(logs, i, len(sec)))
		}
	}
	for _, re := range patterns {
		if loc := re.FindStringIndex(all); loc != nil {
			t.Errorf("an access token appears in printed values: …%s…", excerpt(all, loc[0], loc[1]-loc[0]))
		}
		if loc := re.FindStringIndex(logs); loc != nil {
			t.Errorf("an access token appears in the log: …%s…", excerpt(logs, loc[0], loc[1]-loc[0]))
		}
	}
}

func excerpt(s string, i, n int) string {
	return s[max(0, i-80):min(len(s), i+n+40)]
}

// sweepFixtures are the ids and credentials the sweep's calls use.
type sweepFixtures struct {
	userID, group, projectID, clusterID string
	adminName, inviteeName              string
	inviteeEmail, resetEmail            string
	registerToken, resetToken           string
	currentPassword                     string
}

// Passwords the sweep sends; none may ever be printed.
const (
	sweepNewPassword      = "sweep-new-password-7c1e"
	sweepRegisterPassword = "sweep-register-password-55aa"
	sweepResetPassword    = "sweep-reset-password-93bd"
)

// sweepAll runs every operation of every service once with c, and hands
// each result, params and error to s. It returns the temporary passwords
// the server handed out.
func sweepAll(c *admin.Client, s *sweep, fx sweepFixtures) (temps []string) {
	ctx := context.Background()
	run := func(params any, f func() (any, error)) {
		res, err := f()
		s.print(err, params, res)
	}
	iterate := func(seq func(yield func(any, error) bool)) (any, error) {
		var items []any
		for v, err := range seq {
			if err != nil {
				return items, err
			}
			items = append(items, v)
		}
		return items, nil
	}
	s.print(c, *c, admin.RetryPolicy{})

	// Users, roles and the caller's own account.
	lp := &admin.ListUsersParams{Limit: 5}
	run(lp, func() (any, error) { return c.Users.List(ctx, lp) })
	run(lp, func() (any, error) { return iterate(func(y func(any, error) bool) { seqAny(c.Users.All(ctx, lp), y) }) })
	cp := &admin.CreateUserParams{Name: "Sweep", Email: fmt.Sprintf("sweep-%d@example.com", time.Now().UnixNano()), Role: admin.RoleViewer}
	run(cp, func() (any, error) { return c.Users.Create(ctx, cp) })
	run(fx.userID, func() (any, error) { return c.Users.Get(ctx, fx.userID) })
	up := &admin.UpdateUserParams{Name: admin.Ptr("Sweep Renamed"), Role: admin.Ptr(admin.RoleEditor)}
	run(up, func() (any, error) { return c.Users.Update(ctx, fx.userID, up) })
	run(fx.userID, func() (any, error) { return nil, c.Users.Logout(ctx, fx.userID) })
	run(fx.userID, func() (any, error) {
		r, err := c.Users.ResetPassword(ctx, fx.userID)
		if err == nil {
			temps = append(temps, string(r.TempPassword))
			s.print(*r)
		}
		return r, err
	})
	run(nil, func() (any, error) { return c.Roles.List(ctx) })
	run(nil, func() (any, error) { return nil, c.Me.ChangePassword(ctx, fx.currentPassword, sweepNewPassword) })

	// Groups.
	gp := &admin.ListGroupsParams{Limit: 5}
	run(gp, func() (any, error) { return c.Groups.List(ctx, gp) })
	run(gp, func() (any, error) {
		return iterate(func(y func(any, error) bool) { seqAny(c.Groups.All(ctx, gp), y) })
	})
	cg := &admin.CreateGroupParams{Name: fmt.Sprintf("sweep-%d", time.Now().UnixNano()), Roles: []admin.Role{admin.RoleViewer}}
	run(cg, func() (any, error) { return c.Groups.Create(ctx, cg) })
	run(fx.group, func() (any, error) { return c.Groups.Get(ctx, fx.group) })
	ug := &admin.UpdateGroupParams{Roles: []admin.Role{admin.RoleEditor}}
	run(ug, func() (any, error) { return c.Groups.Update(ctx, fx.group, ug) })
	run(fx.group, func() (any, error) { return nil, c.Groups.AddMember(ctx, fx.group, fx.userID) })
	mp := &admin.ListGroupMembersParams{Limit: 5}
	run(mp, func() (any, error) { return c.Groups.ListMembers(ctx, fx.group, mp) })
	run(mp, func() (any, error) {
		return iterate(func(y func(any, error) bool) { seqAny(c.Groups.AllMembers(ctx, fx.group, mp), y) })
	})
	run(fx.group, func() (any, error) { return nil, c.Groups.RemoveMember(ctx, fx.group, fx.userID) })
	run(cg.Name, func() (any, error) { return nil, c.Groups.Delete(ctx, cg.Name) })

	// Projects and clusters.
	pp := &admin.ListProjectsParams{Limit: 5}
	run(pp, func() (any, error) { return c.Projects.List(ctx, pp) })
	run(pp, func() (any, error) {
		return iterate(func(y func(any, error) bool) { seqAny(c.Projects.All(ctx, pp), y) })
	})
	cpp := &admin.CreateProjectParams{Name: fmt.Sprintf("sweep-%d", time.Now().UnixNano()), ClusterID: fx.clusterID}
	run(cpp, func() (any, error) { return c.Projects.Create(ctx, cpp) })
	run(fx.projectID, func() (any, error) { return c.Projects.Get(ctx, fx.projectID) })
	upp := &admin.UpdateProjectParams{Description: admin.Ptr("swept"), DeservedGPUs: admin.Ptr(2)}
	run(upp, func() (any, error) { return c.Projects.Update(ctx, fx.projectID, upp) })
	run(fx.projectID, func() (any, error) { return nil, c.Projects.AddMember(ctx, fx.projectID, fx.userID) })
	run(fx.projectID, func() (any, error) { return nil, c.Projects.RemoveMember(ctx, fx.projectID, fx.userID) })
	cl := &admin.ListClustersParams{Limit: 2}
	run(cl, func() (any, error) { return c.Clusters.List(ctx, cl) })
	run(cl, func() (any, error) {
		return iterate(func(y func(any, error) bool) { seqAny(c.Clusters.All(ctx, cl), y) })
	})
	run(fx.clusterID, func() (any, error) { return c.Clusters.Get(ctx, fx.clusterID) })

	// Audit logs.
	ap := &admin.ListAuditLogsParams{Limit: 50}
	run(ap, func() (any, error) { return c.AuditLogs.List(ctx, ap) })
	run(ap, func() (any, error) {
		return iterate(func(y func(any, error) bool) { seqAny(c.AuditLogs.All(ctx, ap), y) })
	})

	// Admins, with their tokens and passwords.
	lap := &admin.ListAdminsParams{Size: 2}
	run(lap, func() (any, error) { return c.Admins.List(ctx, lap) })
	run(lap, func() (any, error) {
		return iterate(func(y func(any, error) bool) { seqAny(c.Admins.All(ctx, lap), y) })
	})
	ip := &admin.InviteAdminParams{Username: fmt.Sprintf("sweep-%d", time.Now().UnixNano())}
	run(ip, func() (any, error) { return c.Admins.Invite(ctx, ip) })
	gap := &admin.GetAdminParams{GenerateRegisterURL: true}
	run(gap, func() (any, error) { return c.Admins.Get(ctx, fx.inviteeName, gap) })
	rp := &admin.RegisterAdminParams{Token: admin.Secret(fx.registerToken), Username: fx.inviteeName, Email: fx.inviteeEmail,
		Password: sweepRegisterPassword}
	run(rp, func() (any, error) { return nil, c.Admins.Register(ctx, rp) })
	run(*rp, func() (any, error) { return nil, nil })
	run(fx.resetEmail, func() (any, error) { return nil, c.Admins.RequestPasswordReset(ctx, fx.resetEmail) })
	rap := &admin.ResetAdminPasswordParams{Email: fx.resetEmail, Password: sweepResetPassword, Token: admin.Secret(fx.resetToken)}
	run(rap, func() (any, error) { return nil, c.Admins.ResetPassword(ctx, rap) })
	run(*rap, func() (any, error) { return nil, nil })
	uap := &admin.UpdateAdminParams{CustomID: admin.Ptr("sweep")}
	run(uap, func() (any, error) { return c.Admins.Update(ctx, fx.adminName, uap) })
	run(fx.adminName, func() (any, error) { return c.Admins.ListRoles(ctx, fx.adminName) })
	run(fx.adminName, func() (any, error) { return c.Admins.AddRoles(ctx, fx.adminName, "read-only") })
	run(fx.adminName, func() (any, error) { return nil, c.Admins.RemoveRoles(ctx, fx.adminName, "read-only") })
	run(fx.adminName, func() (any, error) { return c.Admins.ListWorkspaces(ctx, fx.adminName) })
	run(ip.Username, func() (any, error) { return nil, c.Admins.Delete(ctx, ip.Username) })

	// Last, the user the calls above worked on.
	run(fx.userID, func() (any, error) { return nil, c.Users.Delete(ctx, fx.userID) })
	return temps
}

// seqAny passes an iteration's values on as any.
func seqAny[T any](seq func(func(T, error) bool), yield func(any, error) bool) {
	for v, err := range seq {
		if !yield(v, err) {
			return
		}
	}
}

// accessToken matches the access tokens admintest issues.
var accessToken = regexp.MustCompile(`at_[0-9a-f]{40}`)

// TestSecretSweepAgainstFaultyServer runs every operation of every service
// against admintest with faults on, once with an API key and once with
// OAuth client credentials, with a debug logger: no API key, access token,
// client secret, password, temporary password or registration or reset
// token appears in any error, log record or printed value.
func TestSecretSweepAgainstFaultyServer(t *testing.T) {
	t.Parallel()
	for _, auth := range []string{"api-key", "client-credentials"} {
		t.Run(auth, func(t *testing.T) {
			t.Parallel()
			var faultsOn atomic.Bool
			srv := admintest.NewServer(admintest.WithSeedData(3, 1, 1), admintest.WithFaults(admintest.Faults{
				Rate: 0.3, Latency: time.Millisecond, OAuth: true,
				Match: func(*http.Request) bool { return faultsOn.Load() },
			}))
			t.Cleanup(srv.Close)
			s := newSweep()
			opts := []admin.Option{admin.WithLogger(newTeeLogger(s.log)),
				admin.WithRetry(admin.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond})}
			secrets := []string{srv.APIKey, sweepNewPassword, sweepRegisterPassword, sweepResetPassword}
			if auth == "client-credentials" {
				oc := srv.NewOAuthClient("admin")
				secrets = append(secrets, oc.Secret)
				opts = append(opts, admin.WithClientCredentials(oc.ID, oc.Secret, ""))
				s.print(opts, oc.ID)
			}
			c := srv.Client(opts...)
			fx := faultyFixtures(t, srv, c)
			secrets = append(secrets, fx.registerToken, fx.resetToken, fx.currentPassword)
			faultsOn.Store(true)
			temps := sweepAll(c, s, fx)
			faultsOn.Store(false)
			// The server's stored temporary password, if a reset was applied
			// whatever the client was told.
			if pw, ok := srv.Password(fx.userID); ok && pw != fx.currentPassword {
				temps = append(temps, pw)
			}
			s.check(t, append(secrets, temps...), accessToken)
			t.Logf("faults injected: %v", srv.FaultCounts())
		})
	}
}

// faultyFixtures makes the ids and tokens of the sweep with faults off.
func faultyFixtures(t *testing.T, srv *admintest.Server, c *admin.Client) sweepFixtures {
	t.Helper()
	ctx := context.Background()
	u, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Target", Email: "target@example.com", Role: admin.RoleViewer})
	require.NoError(t, err)
	invitee, err := c.Admins.Get(ctx, "invited_admin", &admin.GetAdminParams{GenerateRegisterURL: true})
	require.NoError(t, err)
	require.NotEmpty(t, invitee.Token)
	require.NoError(t, c.Admins.RequestPasswordReset(ctx, "kong_admin@example.com"))
	reset := srv.PasswordResetToken("kong_admin@example.com")
	require.NotEmpty(t, reset)
	return sweepFixtures{
		userID: u.ID, group: srv.Groups()[0].Name, projectID: srv.Projects()[0].ID, clusterID: srv.Clusters()[0].ID,
		adminName: "kong_admin", inviteeName: "invited_admin", inviteeEmail: invitee.Email, resetEmail: "kong_admin@example.com",
		registerToken: string(invitee.Token), resetToken: reset, currentPassword: srv.AdminPassword,
	}
}

// echoing answers every call with an error whose every field, and the
// X-Request-Id header, echo the request's credentials and body, in the
// envelope, in Kong's format and from the OAuth token endpoint; now and
// then it answers 200 with the echo where JSON is due.
func echoing() http.HandlerFunc {
	var n atomic.Int32
	statuses := []int{400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 200}
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		echo := fmt.Sprintf("auth=%q kong=%q body=%s query=%s", r.Header.Get("Authorization"), r.Header.Get("Kong-Admin-Token"), body, r.URL.RawQuery)
		w.Header().Set("X-Request-Id", echo)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "0")
		var out any
		status := statuses[int(n.Add(1))%len(statuses)]
		switch {
		case strings.HasSuffix(r.URL.Path, "/oauth/token"):
			status = 401
			out = map[string]any{"error": "invalid_client: " + echo, "error_description": "you sent " + echo, "error_uri": "https://x.example/?" + echo}
		case status == 200:
			w.WriteHeader(200)
			_, _ = io.WriteString(w, "<html>"+echo)
			return
		case strings.Contains(r.URL.Path, "/admins"):
			out = map[string]any{"message": "you sent " + echo, "name": echo, "code": 5, "fields": map[string]any{echo: echo, "x": map[string]any{"y": echo}}}
		default:
			out = map[string]any{"error": map[string]any{"code": echo, "message": "you sent " + echo, "param": echo, "request_id": echo, "status": status}}
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(out)
	}
}

// TestSecretSweepAgainstEchoingServer runs every operation of every
// service against a server that echoes the credentials and the request
// body into every error field and header it answers, with an API key, a
// custom credential header, a token source and client credentials: no
// secret appears in any error, log record or printed value.
func TestSecretSweepAgainstEchoingServer(t *testing.T) {
	t.Parallel()
	const (
		apiKey       = "sk_live_sweep_echo_0123456789abcdef"
		kongToken    = "kong-admin-token-sweep-0123456789"
		staticToken  = "tok_sweep_static_0123456789abcdef"
		clientID     = "cli_sweep_echo"
		clientSecret = "cs_sweep_echo_secret_0123456789"
	)
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(clientID) + ":" + url.QueryEscape(clientSecret)))
	tests := []struct {
		name    string
		opts    []admin.Option
		secrets []string
	}{
		{"api-key", []admin.Option{admin.WithAPIKey(apiKey)}, []string{apiKey}},
		{"kong-header", []admin.Option{admin.WithHeader("Kong-Admin-Token", kongToken)}, []string{kongToken}},
		{"token-source", []admin.Option{admin.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: staticToken}))}, []string{staticToken}},
		{"client-credentials", []admin.Option{admin.WithClientCredentials(clientID, clientSecret, "")}, []string{clientSecret, basic}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The client is built here, not taken from serve: it must carry
			// only the credential under test, and serve's carries testKey.
			srv, _ := serve(t, echoing())
			s := newSweep()
			opts := append([]admin.Option{admin.WithBaseURL(srv.URL + "/v1"), admin.WithLogger(newTeeLogger(s.log)),
				admin.WithRetry(admin.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond})}, tt.opts...)
			c, err := admin.NewClient(opts...)
			require.NoError(t, err)
			s.print(opts)
			fx := sweepFixtures{userID: "usr_1", group: "g", projectID: "prj_1", clusterID: "cls_1", adminName: "kong",
				inviteeName: "invitee", inviteeEmail: "invitee@example.com", resetEmail: "reset@example.com",
				registerToken: "register-token-sweep-0123456789", resetToken: "reset-token-sweep-0123456789",
				currentPassword: "current-password-sweep-0123"}
			sweepAll(c, s, fx)
			s.check(t, append(tt.secrets, sweepNewPassword, sweepRegisterPassword, sweepResetPassword,
				fx.registerToken, fx.resetToken, fx.currentPassword))
		})
	}
}
