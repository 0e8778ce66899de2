package admin_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The contract tests against Prism, an independent implementation of the
// OpenAPI documents, run only when .ci/contract.sh (or a developer) names a
// server in the environment:
//
//	ADMIN_CONTRACT_MODE      mock, proxy or kong: which TestContractPrism* runs
//	ADMIN_CONTRACT_URL       base URL of the SDK, such as http://127.0.0.1:4710/v1
//	                         (kong: the root, http://127.0.0.1:4712/)
//	ADMIN_CONTRACT_KEY       API key (mock, proxy) or Kong-Admin-Token (kong)
//	ADMIN_CONTRACT_PASSWORD  proxy only, optional: the password of the key's user
//
// Otherwise they skip, so `go test ./...` needs no server.
const (
	envContractMode     = "ADMIN_CONTRACT_MODE"
	envContractURL      = "ADMIN_CONTRACT_URL"
	envContractKey      = "ADMIN_CONTRACT_KEY"
	envContractPassword = "ADMIN_CONTRACT_PASSWORD"

	// slViolations is the header in which Prism lists what it found wrong
	// with a request or a response.
	slViolations = "Sl-Violations"
	// prismErrors prefixes the type of the problem+json bodies Prism
	// answers itself (UNPROCESSABLE_ENTITY, NO_PATH_MATCHED_ERROR,
	// UNAUTHORIZED, VIOLATIONS, ...).
	prismErrors = "https://stoplight.io/prism/errors#"
)

// prismFinding is Prism's verdict against one exchange.
type prismFinding struct {
	what       string // method and path
	status     int
	violations string // the sl-violations header
	problem    string // Prism's own problem+json body
	problemTyp string // its type, without the prismErrors prefix
	// responseOnly reports that every violation is located in the
	// response: the request passed Prism's validation.
	responseOnly bool
}

// String describes f in one line.
func (f prismFinding) String() string {
	s := fmt.Sprintf("%s: %d", f.what, f.status)
	if f.violations != "" {
		s += " with " + slViolations + ": " + f.violations
	}
	switch {
	case f.problem != "" && f.violations != "":
		s += " (Prism's " + f.problemTyp + ")"
	case f.problem != "":
		s += " from Prism: " + f.problem
	}
	return s
}

// prismViolation is one entry of the sl-violations header or of the
// validation list of Prism's problem+json body.
type prismViolation struct {
	Location []string `json:"location"`
}

// responseOnly reports whether vs is not empty and every violation in it
// is located in the response.
func responseOnly(vs []prismViolation) bool {
	for _, v := range vs {
		if len(v.Location) == 0 || v.Location[0] != "response" {
			return false
		}
	}
	return len(vs) > 0
}

// prismWatch is an http.RoundTripper that records every sign of Prism
// finding fault with an exchange: an sl-violations header, or a
// problem+json body of Prism's own. It sits under the SDK's retries, so
// it sees every attempt and every page of an iteration.
type prismWatch struct {
	base http.RoundTripper

	mu       sync.Mutex
	found    []prismFinding
	exchange int
}

// RoundTrip sends req with the base transport and inspects the response.
func (w *prismWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	f := prismFinding{what: req.Method + " " + req.URL.Path, status: resp.StatusCode,
		violations: strings.Join(resp.Header.Values(slViolations), ", ")}
	var vs []prismViolation
	if f.violations != "" && json.Unmarshal([]byte(f.violations), &vs) != nil {
		vs = nil // unreadable: not known to be response-only
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if rerr != nil {
			return nil, rerr
		}
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		resp.Header.Del("Content-Length")
		var p struct {
			Type       string           `json:"type"`
			Validation []prismViolation `json:"validation"`
		}
		if json.Unmarshal(body, &p) == nil && strings.HasPrefix(p.Type, prismErrors) {
			f.problem, f.problemTyp = string(body), strings.TrimPrefix(p.Type, prismErrors)
			if f.violations == "" {
				vs = p.Validation
			}
		}
	}
	f.responseOnly = responseOnly(vs)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.exchange++
	if f.violations != "" || f.problem != "" {
		w.found = append(w.found, f)
	}
	return resp, nil
}

// take returns the findings recorded since the last call.
func (w *prismWatch) take() []prismFinding {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.found
	w.found = nil
	return out
}

// exchanges returns how many responses the watch has seen.
func (w *prismWatch) exchanges() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.exchange
}

// prismRun is one contract run: a client whose every exchange is watched,
// and the SDK methods called so far.
type prismRun struct {
	t      *testing.T
	label  string // names the run in its summary line
	c      *admin.Client
	watch  *prismWatch
	called map[string]bool

	// examplesMayBreakSchema accepts findings located only in the
	// response: the server's examples, not the client, are at fault
	// (Kong's spec, see TestContractPrismKong).
	examplesMayBreakSchema bool
	// exampleFault reports that the last call's answer was such a
	// finding (Prism's 500 VIOLATIONS in place of the example).
	exampleFault bool

	violations, exampleFaults, divergences int
}

// prismSetup skips the test unless ADMIN_CONTRACT_MODE is mode, and
// returns a run against ADMIN_CONTRACT_URL whose client authenticates with
// auth(ADMIN_CONTRACT_KEY). The client does not retry, so a failure is
// the answer to the one request sent.
func prismSetup(t *testing.T, mode string, auth func(key string) admin.Option) *prismRun {
	t.Helper()
	if got := os.Getenv(envContractMode); got != mode {
		t.Skipf("%s is %q, not %q: no Prism to test against (see .ci/contract.sh)", envContractMode, got, mode)
	}
	base, key := os.Getenv(envContractURL), os.Getenv(envContractKey)
	require.NotEmpty(t, base, envContractURL)
	require.NotEmpty(t, key, envContractKey)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	w := &prismWatch{base: tr}
	c, err := admin.NewClient(admin.WithHTTPClient(&http.Client{Transport: w}), admin.WithoutRetries(),
		admin.WithoutRateLimit(), admin.WithBaseURL(base), auth(key))
	require.NoError(t, err)
	r := &prismRun{t: t, label: t.Name(), c: c, watch: w, called: map[string]bool{}}
	t.Cleanup(func() {
		line := fmt.Sprintf("%d SDK methods, %d HTTP exchanges, %d Prism violations",
			len(r.called), w.exchanges(), r.violations)
		if r.exampleFaults > 0 {
			line += fmt.Sprintf(", %d answers from examples that break the spec's schema", r.exampleFaults)
		}
		if r.divergences > 0 {
			line += fmt.Sprintf(", %d known divergences", r.divergences)
		}
		t.Logf("contract summary: %s: %s", r.label, line)
	})
	return r
}

// do runs fn as the SDK method name (such as "Users.Create") and reports,
// as test errors, every violation Prism flagged in the exchanges it made.
// It returns fn's error for the caller to judge.
func (r *prismRun) do(name string, fn func(ctx context.Context) error) error {
	r.t.Helper()
	found, err := r.exchange(name, fn)
	for _, f := range found {
		r.violations++
		r.t.Errorf("%s: Prism violation: %s", name, f)
	}
	return err
}

// exchange runs fn as the SDK method name and returns Prism's findings,
// less those the run accepts (see examplesMayBreakSchema), which it logs,
// and fn's error.
func (r *prismRun) exchange(name string, fn func(ctx context.Context) error) ([]prismFinding, error) {
	r.t.Helper()
	r.called[name] = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var resp admin.Response
	err := fn(admin.CaptureResponse(ctx, &resp))
	r.exampleFault = false
	var found []prismFinding
	for _, f := range r.watch.take() {
		if r.examplesMayBreakSchema && f.responseOnly {
			r.exampleFault = true
			r.exampleFaults++
			r.t.Logf("%s: accepted: the request passed; the spec's own example breaks its schema: %s", name, f)
			continue
		}
		found = append(found, f)
	}
	if resp.Header != nil && !r.exampleFault {
		assert.Empty(r.t, resp.Header.Values(slViolations), "%s: %s header", name, slViolations)
	}
	var e *admin.Error
	if errors.As(err, &e) && e.StatusCode == http.StatusUnprocessableEntity && len(found) == 0 {
		r.t.Errorf("%s: 422 is what Prism answers a request that breaks the spec: %v", name, err)
	}
	return found, err
}

// ok runs fn and requires it to succeed.
func (r *prismRun) ok(name string, fn func(ctx context.Context) error) {
	r.t.Helper()
	require.NoError(r.t, r.do(name, fn), name)
}

// succeeds runs fn and reports its error, if any, as a test error; the
// test goes on.
func (r *prismRun) succeeds(name string, fn func(ctx context.Context) error) {
	r.t.Helper()
	assert.NoError(r.t, r.do(name, fn), name)
}

// fails runs fn and requires the error want.
func (r *prismRun) fails(name string, want error, fn func(ctx context.Context) error) {
	r.t.Helper()
	require.ErrorIs(r.t, r.do(name, fn), want, name)
}

// sent runs fn and requires that Prism accepted the request: the call
// succeeds, or fails only on the answer, because it could not be decoded
// (ErrInvalidResponse) or because it was an example that breaks the
// spec's schema, which Prism replaces with its 500.
func (r *prismRun) sent(name string, fn func(ctx context.Context) error) {
	r.t.Helper()
	err := r.do(name, fn)
	switch {
	case err == nil, errors.Is(err, admin.ErrInvalidResponse):
	case r.exampleFault && errors.Is(err, admin.ErrServer):
	default:
		r.t.Errorf("%s: want success or ErrInvalidResponse, got %v", name, err)
	}
}

// diverges runs fn, a request that the spec rejects on purpose, and
// requires that Prism rejects it with exactly status and problem type
// (such as INVALID_CONTENT_TYPE) and nothing else.
func (r *prismRun) diverges(name string, status int, problemType, why string, fn func(ctx context.Context) error) {
	r.t.Helper()
	found, err := r.exchange(name, fn)
	if assert.Len(r.t, found, 1, "%s: the one known divergence", name) &&
		assert.Equal(r.t, status, found[0].status, name) && assert.Equal(r.t, problemType, found[0].problemTyp, name) {
		r.divergences++
		r.t.Logf("%s: known divergence (%s): %s", name, why, found[0])
		return
	}
	r.violations += len(found)
	r.t.Errorf("%s: want only Prism's %d %s, got %v (%v)", name, status, problemType, found, err)
}

// requireCalledAll fails the test unless every exported method of every
// service of the Client (Users.Create, Admins.ListRoles, ...) was called,
// less those in skip.
func (r *prismRun) requireCalledAll(skip ...string) {
	r.t.Helper()
	var missing []string
	cv := reflect.ValueOf(r.c).Elem()
	for i := range cv.NumField() {
		f := cv.Type().Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer {
			continue
		}
		for j := range f.Type.NumMethod() {
			name := f.Name + "." + f.Type.Method(j).Name
			if !r.called[name] && !slices.Contains(skip, name) {
				missing = append(missing, name)
			}
		}
	}
	require.Empty(r.t, missing, "SDK methods the contract run does not call")
}

// first runs an iteration for its first item only. A Prism mock answers
// every page with the same example, so a full walk would find a cursor
// cycle (which the SDK reports as an error) rather than an end.
func first[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		return err
	}
	return errors.New("the iteration yielded nothing")
}

// uniq returns a lower-case random suffix, so a run against a server
// with the state of an earlier run does not clash with it.
func uniq() string { return strings.ToLower(rand.Text()[:10]) }

func bearer(key string) admin.Option { return admin.WithAPIKey(key) }

// TestContractPrismMock calls every SDK method once against `prism mock
// --errors` over api/openapi.yaml. The mock answers from the document's
// examples and keeps no state, so the arguments only have to be valid;
// Prism answers a request that breaks the document with an error and an
// sl-violations header, which fail the test. Every answer is one of the
// document's examples, so every call must also decode.
func TestContractPrismMock(t *testing.T) {
	t.Parallel()
	r := prismSetup(t, "mock", bearer)
	c := r.c
	const (
		userID    = "usr_1a2b3c4d5e6f"
		group     = "ml-team"
		projectID = "prj_4f5g6h7j8k9l"
		clusterID = "cls_1q2w3e4r5t6y"
		adminID   = "665b4070-541f-48bf-82c1-53030babaa81"
	)

	r.succeeds("Roles.List", func(ctx context.Context) error { _, err := c.Roles.List(ctx); return err })

	r.succeeds("Users.List", func(ctx context.Context) error {
		_, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: 10, Cursor: "cur_earlier_example",
			Role: admin.RoleEditor, Status: admin.UserActive, Query: "ada", Email: "ada@example.com"})
		return err
	})
	r.succeeds("Users.All", func(ctx context.Context) error {
		return first(c.Users.All(ctx, &admin.ListUsersParams{Limit: 2}))
	})
	r.succeeds("Users.Pages", func(ctx context.Context) error {
		return first(c.Users.Pages(ctx, &admin.ListUsersParams{Limit: 2, Email: "ada@example.com"}))
	})
	r.succeeds("Users.Create", func(ctx context.Context) error {
		_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ada Lovelace", Email: "ada@example.com",
			Role: admin.RoleEditor, SendInvitation: admin.Ptr(false)})
		return err
	})
	r.succeeds("Users.Get", func(ctx context.Context) error { _, err := c.Users.Get(ctx, userID); return err })
	r.succeeds("Users.Update", func(ctx context.Context) error {
		_, err := c.Users.Update(ctx, userID, &admin.UpdateUserParams{Name: admin.Ptr("Ada King"),
			Role: admin.Ptr(admin.RoleViewer), Status: admin.Ptr(admin.UserInactive)})
		return err
	})
	r.succeeds("Users.Logout", func(ctx context.Context) error { return c.Users.Logout(ctx, userID) })
	r.succeeds("Users.ResetPassword", func(ctx context.Context) error {
		_, err := c.Users.ResetPassword(ctx, userID)
		return err
	})
	r.succeeds("Users.Delete", func(ctx context.Context) error { return c.Users.Delete(ctx, userID) })
	r.succeeds("Me.ChangePassword", func(ctx context.Context) error {
		return c.Me.ChangePassword(ctx, "old-password-example", "new-password-example")
	})
	r.succeeds("Me.Get", func(ctx context.Context) error { _, err := c.Me.Get(ctx); return err })

	r.succeeds("Groups.List", func(ctx context.Context) error {
		_, err := c.Groups.List(ctx, &admin.ListGroupsParams{Limit: 5, Role: admin.RoleResearcher})
		return err
	})
	r.succeeds("Groups.All", func(ctx context.Context) error { return first(c.Groups.All(ctx, nil)) })
	r.succeeds("Groups.Pages", func(ctx context.Context) error { return first(c.Groups.Pages(ctx, nil)) })
	r.succeeds("Groups.Create", func(ctx context.Context) error {
		_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: group, Roles: []admin.Role{admin.RoleResearcher}})
		return err
	})
	r.succeeds("Groups.Get", func(ctx context.Context) error { _, err := c.Groups.Get(ctx, group); return err })
	r.succeeds("Groups.Update", func(ctx context.Context) error {
		_, err := c.Groups.Update(ctx, group, &admin.UpdateGroupParams{Roles: []admin.Role{admin.RoleViewer}})
		return err
	})
	r.succeeds("Groups.ListMembers", func(ctx context.Context) error {
		_, err := c.Groups.ListMembers(ctx, group, &admin.ListGroupMembersParams{Limit: 3})
		return err
	})
	r.succeeds("Groups.AllMembers", func(ctx context.Context) error { return first(c.Groups.AllMembers(ctx, group, nil)) })
	r.succeeds("Groups.MemberPages", func(ctx context.Context) error { return first(c.Groups.MemberPages(ctx, group, nil)) })
	r.succeeds("Groups.AddMember", func(ctx context.Context) error { return c.Groups.AddMember(ctx, group, userID) })
	r.succeeds("Groups.RemoveMember", func(ctx context.Context) error { return c.Groups.RemoveMember(ctx, group, userID) })
	r.succeeds("Groups.Delete", func(ctx context.Context) error { return c.Groups.Delete(ctx, group) })

	r.succeeds("Clusters.List", func(ctx context.Context) error {
		_, err := c.Clusters.List(ctx, &admin.ListClustersParams{Limit: 1})
		return err
	})
	r.succeeds("Clusters.All", func(ctx context.Context) error { return first(c.Clusters.All(ctx, nil)) })
	r.succeeds("Clusters.Pages", func(ctx context.Context) error { return first(c.Clusters.Pages(ctx, nil)) })
	r.succeeds("Clusters.Get", func(ctx context.Context) error { _, err := c.Clusters.Get(ctx, clusterID); return err })

	r.succeeds("Projects.List", func(ctx context.Context) error {
		_, err := c.Projects.List(ctx, &admin.ListProjectsParams{Limit: 4, ClusterID: clusterID})
		return err
	})
	r.succeeds("Projects.All", func(ctx context.Context) error { return first(c.Projects.All(ctx, nil)) })
	r.succeeds("Projects.Pages", func(ctx context.Context) error { return first(c.Projects.Pages(ctx, nil)) })
	r.succeeds("Projects.Create", func(ctx context.Context) error {
		_, err := c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "vision", ClusterID: clusterID,
			Description: "Computer vision research", DeservedGPUs: 4, Members: []string{userID}})
		return err
	})
	r.succeeds("Projects.Get", func(ctx context.Context) error { _, err := c.Projects.Get(ctx, projectID); return err })
	r.succeeds("Projects.Update", func(ctx context.Context) error {
		_, err := c.Projects.Update(ctx, projectID, &admin.UpdateProjectParams{Name: admin.Ptr("vision-2"),
			Description: admin.Ptr(""), DeservedGPUs: admin.Ptr(8)})
		return err
	})
	r.succeeds("Projects.AddMember", func(ctx context.Context) error { return c.Projects.AddMember(ctx, projectID, userID) })
	r.succeeds("Projects.RemoveMember", func(ctx context.Context) error {
		return c.Projects.RemoveMember(ctx, projectID, userID)
	})
	r.succeeds("Projects.Delete", func(ctx context.Context) error { return c.Projects.Delete(ctx, projectID) })

	r.succeeds("AuditLogs.List", func(ctx context.Context) error {
		_, err := c.AuditLogs.List(ctx, &admin.ListAuditLogsParams{Action: admin.ActionUserCreate, UserID: userID, TargetID: userID,
			StartTime: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), EndTime: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC),
			Limit: 50})
		return err
	})
	r.succeeds("AuditLogs.All", func(ctx context.Context) error { return first(c.AuditLogs.All(ctx, nil)) })
	r.succeeds("AuditLogs.Pages", func(ctx context.Context) error {
		return first(c.AuditLogs.Pages(ctx, &admin.ListAuditLogsParams{Action: "user.*"}))
	})

	adminCalls(r, adminID, r.succeeds)
	r.requireCalledAll()

	// The same calls work with an OAuth2 access token from the token
	// endpoint, whose form-encoded request Prism checks too.
	oauth := prismSetup(t, "mock", func(string) admin.Option {
		return admin.WithClientCredentials("cli_test_example", "cs_test_example", "")
	})
	oauth.label += " with client credentials"
	oauth.succeeds("Roles.List", func(ctx context.Context) error { _, err := oauth.c.Roles.List(ctx); return err })
	assert.Equal(t, 2, oauth.watch.exchanges(), "a token request, then the call")

	// The admins operations take Kong's credential header too.
	kong := prismSetup(t, "mock", kongAdminToken)
	kong.label += " with Kong-Admin-Token"
	kong.succeeds("Admins.List", func(ctx context.Context) error { _, err := kong.c.Admins.List(ctx, nil); return err })
}

// kongAdminToken authenticates as Kong clients do.
func kongAdminToken(key string) admin.Option { return admin.WithHeader("Kong-Admin-Token", key) }

// adminCalls calls every method of the Admins service once with valid
// arguments, and judges each call with check.
func adminCalls(r *prismRun, adminID string, check func(string, func(context.Context) error)) {
	c := r.c
	check("Admins.List", func(ctx context.Context) error {
		_, err := c.Admins.List(ctx, &admin.ListAdminsParams{Size: 10})
		return err
	})
	check("Admins.All", func(ctx context.Context) error { return first(c.Admins.All(ctx, nil)) })
	check("Admins.Pages", func(ctx context.Context) error { return first(c.Admins.Pages(ctx, &admin.ListAdminsParams{Size: 5})) })
	check("Admins.Invite", func(ctx context.Context) error {
		_, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "test-admin", Email: "test@example.com",
			CustomID: "custom-123", RBACTokenEnabled: admin.Ptr(true)})
		return err
	})
	check("Admins.Get", func(ctx context.Context) error {
		_, err := c.Admins.Get(ctx, adminID, &admin.GetAdminParams{GenerateRegisterURL: true})
		return err
	})
	check("Admins.Register", func(ctx context.Context) error {
		return c.Admins.Register(ctx, &admin.RegisterAdminParams{Token: "rt_test_example", Username: "test-admin",
			Email: "test@example.com", Password: "password-example"})
	})
	check("Admins.RequestPasswordReset", func(ctx context.Context) error {
		return c.Admins.RequestPasswordReset(ctx, "test@example.com")
	})
	check("Admins.ResetPassword", func(ctx context.Context) error {
		return c.Admins.ResetPassword(ctx, &admin.ResetAdminPasswordParams{Email: "test@example.com",
			Password: "new-password-example", Token: "rt_test_example"})
	})
	check("Admins.Update", func(ctx context.Context) error {
		_, err := c.Admins.Update(ctx, adminID, &admin.UpdateAdminParams{Username: admin.Ptr("test-admin"),
			Email: admin.Ptr("new@example.com"), CustomID: admin.Ptr("custom-456")})
		return err
	})
	check("Admins.ListRoles", func(ctx context.Context) error { _, err := c.Admins.ListRoles(ctx, adminID); return err })
	check("Admins.AddRoles", func(ctx context.Context) error {
		_, err := c.Admins.AddRoles(ctx, adminID, "read-only", "admin")
		return err
	})
	check("Admins.RemoveRoles", func(ctx context.Context) error { return c.Admins.RemoveRoles(ctx, adminID, "admin") })
	check("Admins.ListWorkspaces", func(ctx context.Context) error {
		_, err := c.Admins.ListWorkspaces(ctx, adminID)
		return err
	})
	check("Admins.Delete", func(ctx context.Context) error { return c.Admins.Delete(ctx, adminID) })
}

// TestContractPrismKong sends every request of the Admins service to
// `prism mock --errors` over Kong Enterprise's own admins spec
// (../shared/conformance/kong-admins-3.14.yaml), authenticated as Kong
// clients are, with Kong-Admin-Token. Prism must accept every request.
//
// Kong's answers are not consistent with its schemas or with a real Kong
// (see conformance/README.md): invite and the role list document no body,
// and the workspaces answer is an object where a Kong sends an array, so
// those fail to decode (ErrInvalidResponse). The Admin schema's example
// (status "active", consumer and rbac_user as strings) breaks the schema
// itself, so Prism answers get and update with its own 500 VIOLATIONS,
// all located in the response; that is accepted too, since the request
// passed. Any other error or any violation in a request fails the test.
//
// One divergence is on purpose: Kong's spec declares no body on
// DELETE /admins/{id}/roles, but Kong's documentation and CONTRACT.md send
// the roles in the body, so Prism answers RemoveRoles with 415. The test
// requires exactly that, so it notices if either side changes.
func TestContractPrismKong(t *testing.T) {
	t.Parallel()
	r := prismSetup(t, "kong", kongAdminToken)
	r.examplesMayBreakSchema = true
	adminCalls(r, "665b4070-541f-48bf-82c1-53030babaa81", func(name string, fn func(context.Context) error) {
		if name == "Admins.RemoveRoles" {
			r.diverges(name, http.StatusUnsupportedMediaType, "INVALID_CONTENT_TYPE",
				"Kong's spec declares no body on DELETE /admins/{id}/roles, while Kong's Admin API documentation "+
					"and CONTRACT.md send the roles in one", fn)
			return
		}
		r.sent(name, fn)
	})
	require.Len(t, r.called, reflect.TypeFor[*admin.AdminsService]().NumMethod(), "every Admins method")
}

// TestContractPrismProxy runs the SDK's flows against admin-mock through
// `prism proxy --errors`, which checks every request and every response
// against api/openapi.yaml. Unlike the mock, the server keeps state, so
// each step depends on the ones before.
func TestContractPrismProxy(t *testing.T) {
	t.Parallel()
	r := prismSetup(t, "proxy", bearer)
	c := r.c
	u := uniq()

	var roles []admin.RoleInfo
	r.ok("Roles.List", func(ctx context.Context) (err error) { roles, err = c.Roles.List(ctx); return err })
	require.NotEmpty(t, roles)

	// A project runs on one of the seeded clusters.
	var clusters *admin.Page[admin.Cluster]
	r.ok("Clusters.List", func(ctx context.Context) (err error) {
		clusters, err = c.Clusters.List(ctx, &admin.ListClustersParams{Limit: 1})
		return err
	})
	require.Len(t, clusters.Data, 1)
	cluster := clusters.Data[0]
	r.ok("Clusters.Get", func(ctx context.Context) error {
		got, err := c.Clusters.Get(ctx, cluster.ID)
		if err == nil {
			assert.Equal(t, cluster.Name, got.Name)
		}
		return err
	})
	r.ok("Clusters.All", func(ctx context.Context) error {
		n := 0
		for _, err := range c.Clusters.All(ctx, &admin.ListClustersParams{Limit: 1}) {
			if err != nil {
				return err
			}
			n++
		}
		assert.GreaterOrEqual(t, n, 2, "a walk of several pages")
		return nil
	})
	r.ok("Clusters.Pages", func(ctx context.Context) error {
		return walkPages(t, c.Clusters.Pages(ctx, &admin.ListClustersParams{Limit: 1}))
	})

	// A user: create, read, change, find.
	var user *admin.User
	r.ok("Users.Create", func(ctx context.Context) (err error) {
		user, err = c.Users.Create(ctx, &admin.CreateUserParams{Name: "Contract " + u, Email: "contract-" + u + "@example.com",
			Role: admin.RoleViewer, SendInvitation: admin.Ptr(false)})
		return err
	})
	r.ok("Users.Get", func(ctx context.Context) error {
		got, err := c.Users.Get(ctx, user.ID)
		if err == nil {
			assert.Equal(t, user.Email, got.Email)
		}
		return err
	})
	r.ok("Users.Update", func(ctx context.Context) error {
		got, err := c.Users.Update(ctx, user.ID, &admin.UpdateUserParams{Name: admin.Ptr("Contract " + u + " Renamed"),
			Role: admin.Ptr(admin.RoleEditor)})
		if err == nil {
			assert.Equal(t, admin.RoleEditor, got.Role)
		}
		return err
	})
	r.ok("Users.List", func(ctx context.Context) error {
		page, err := c.Users.List(ctx, &admin.ListUsersParams{Query: u, Role: admin.RoleEditor, Limit: 5})
		if err == nil && assert.Len(t, page.Data, 1) {
			assert.Equal(t, user.ID, page.Data[0].ID)
		}
		return err
	})
	r.ok("Users.List", func(ctx context.Context) error {
		page, err := c.Users.List(ctx, &admin.ListUsersParams{Email: strings.ToUpper(user.Email)})
		if err == nil && assert.Len(t, page.Data, 1, "the exact email, ignoring case") {
			assert.Equal(t, user.ID, page.Data[0].ID)
		}
		return err
	})
	r.ok("Users.All", func(ctx context.Context) error {
		var seen []string
		for got, err := range c.Users.All(ctx, &admin.ListUsersParams{Limit: 7}) {
			if err != nil {
				return err
			}
			seen = append(seen, got.ID)
		}
		assert.Contains(t, seen, user.ID)
		assert.Greater(t, len(seen), 7, "a walk of several pages")
		return nil
	})
	r.ok("Users.Pages", func(ctx context.Context) error {
		return walkPages(t, c.Users.Pages(ctx, &admin.ListUsersParams{Limit: 7}))
	})
	r.ok("Users.Logout", func(ctx context.Context) error { return c.Users.Logout(ctx, user.ID) })
	r.ok("Users.ResetPassword", func(ctx context.Context) error {
		reset, err := c.Users.ResetPassword(ctx, user.ID)
		if err == nil {
			assert.NotEmpty(t, string(reset.TempPassword))
		}
		return err
	})

	// Group membership.
	group := "contract-" + u
	r.ok("Groups.Create", func(ctx context.Context) error {
		_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: group, Roles: []admin.Role{admin.RoleResearcher}})
		return err
	})
	r.ok("Groups.AddMember", func(ctx context.Context) error { return c.Groups.AddMember(ctx, group, user.ID) })
	r.ok("Groups.Get", func(ctx context.Context) error {
		got, err := c.Groups.Get(ctx, group)
		if err == nil {
			assert.Equal(t, []string{user.ID}, got.Members)
		}
		return err
	})
	r.ok("Groups.ListMembers", func(ctx context.Context) error {
		page, err := c.Groups.ListMembers(ctx, group, nil)
		if err == nil && assert.Len(t, page.Data, 1) {
			assert.Equal(t, user.ID, page.Data[0].ID)
		}
		return err
	})
	r.ok("Groups.AllMembers", func(ctx context.Context) error { return first(c.Groups.AllMembers(ctx, group, nil)) })
	r.ok("Groups.MemberPages", func(ctx context.Context) error { return first(c.Groups.MemberPages(ctx, group, nil)) })
	r.ok("Groups.Pages", func(ctx context.Context) error {
		return walkPages(t, c.Groups.Pages(ctx, &admin.ListGroupsParams{Limit: 2}))
	})
	r.ok("Groups.Update", func(ctx context.Context) error {
		_, err := c.Groups.Update(ctx, group, &admin.UpdateGroupParams{Roles: []admin.Role{admin.RoleViewer, admin.RoleResearcher}})
		return err
	})
	r.ok("Groups.List", func(ctx context.Context) error {
		_, err := c.Groups.List(ctx, &admin.ListGroupsParams{Role: admin.RoleViewer, Limit: 2})
		return err
	})
	r.ok("Groups.All", func(ctx context.Context) error {
		var names []string
		for g, err := range c.Groups.All(ctx, &admin.ListGroupsParams{Limit: 2}) {
			if err != nil {
				return err
			}
			names = append(names, g.Name)
		}
		assert.Contains(t, names, group)
		return nil
	})
	r.ok("Groups.RemoveMember", func(ctx context.Context) error { return c.Groups.RemoveMember(ctx, group, user.ID) })
	r.ok("Groups.Delete", func(ctx context.Context) error { return c.Groups.Delete(ctx, group) })
	r.fails("Groups.Get", admin.ErrNotFound, func(ctx context.Context) error {
		_, err := c.Groups.Get(ctx, group)
		return err
	})

	// A project on a seeded cluster, with the user as a member.
	var project *admin.Project
	r.ok("Projects.Create", func(ctx context.Context) (err error) {
		project, err = c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "contract-" + u, ClusterID: cluster.ID,
			Description: "Made by the contract run", DeservedGPUs: 2})
		return err
	})
	r.ok("Projects.AddMember", func(ctx context.Context) error { return c.Projects.AddMember(ctx, project.ID, user.ID) })
	r.ok("Projects.Get", func(ctx context.Context) error {
		got, err := c.Projects.Get(ctx, project.ID)
		if err == nil {
			assert.Equal(t, []string{user.ID}, got.Members)
		}
		return err
	})
	r.ok("Projects.Update", func(ctx context.Context) error {
		got, err := c.Projects.Update(ctx, project.ID, &admin.UpdateProjectParams{Description: admin.Ptr(""),
			DeservedGPUs: admin.Ptr(3)})
		if err == nil {
			assert.Equal(t, 3, got.DeservedGPUs)
			assert.Empty(t, got.Description)
		}
		return err
	})
	r.ok("Projects.List", func(ctx context.Context) error {
		_, err := c.Projects.List(ctx, &admin.ListProjectsParams{ClusterID: cluster.ID, Limit: 2})
		return err
	})
	r.ok("Projects.All", func(ctx context.Context) error {
		var ids []string
		for p, err := range c.Projects.All(ctx, &admin.ListProjectsParams{Limit: 2}) {
			if err != nil {
				return err
			}
			ids = append(ids, p.ID)
		}
		assert.Contains(t, ids, project.ID)
		return nil
	})
	r.ok("Projects.Pages", func(ctx context.Context) error {
		return walkPages(t, c.Projects.Pages(ctx, &admin.ListProjectsParams{Limit: 2}))
	})
	r.ok("Projects.RemoveMember", func(ctx context.Context) error {
		return c.Projects.RemoveMember(ctx, project.ID, user.ID)
	})
	r.ok("Projects.Delete", func(ctx context.Context) error { return c.Projects.Delete(ctx, project.ID) })

	// Who the key acts as: an admin, a user the run can find.
	r.ok("Me.Get", func(ctx context.Context) error {
		me, err := c.Me.Get(ctx)
		if err == nil {
			assert.Equal(t, admin.RoleAdmin, me.Role)
			assert.Empty(t, me.ClientID)
			got, err := c.Users.Get(ctx, me.UserID)
			if err != nil {
				return err
			}
			assert.Equal(t, got.Email, me.Email)
		}
		return err
	})

	// The caller's own password: a wrong one is refused; the right one, if
	// known, is changed and changed back.
	r.fails("Me.ChangePassword", admin.ErrForbidden, func(ctx context.Context) error {
		return c.Me.ChangePassword(ctx, "not-the-password-"+u, "contract-password-"+u)
	})
	if pw := os.Getenv(envContractPassword); pw != "" {
		r.ok("Me.ChangePassword", func(ctx context.Context) error {
			return c.Me.ChangePassword(ctx, pw, "contract-password-"+u)
		})
		r.ok("Me.ChangePassword", func(ctx context.Context) error {
			return c.Me.ChangePassword(ctx, "contract-password-"+u, pw)
		})
	}

	proxyAdmins(r, u)

	// The admins operations take Kong's credential header too.
	kong := prismSetup(t, "proxy", kongAdminToken)
	kong.label += " with Kong-Admin-Token"
	kong.ok("Admins.Get", func(ctx context.Context) error {
		got, err := kong.c.Admins.Get(ctx, "kong_admin", nil)
		if err == nil {
			assert.Equal(t, "kong_admin", got.Username)
		}
		return err
	})

	// The user goes, and the audit log has the story.
	r.ok("Users.Delete", func(ctx context.Context) error { return c.Users.Delete(ctx, user.ID) })
	r.fails("Users.Get", admin.ErrNotFound, func(ctx context.Context) error {
		_, err := c.Users.Get(ctx, user.ID)
		return err
	})
	r.ok("AuditLogs.List", func(ctx context.Context) error {
		page, err := c.AuditLogs.List(ctx, &admin.ListAuditLogsParams{Action: admin.ActionUserCreate,
			StartTime: user.CreatedAt.Add(-time.Minute), Limit: 100})
		if err == nil {
			assert.True(t, slices.ContainsFunc(page.Data, func(e admin.AuditEvent) bool { return e.TargetID == user.ID }),
				"user.create of %s", user.ID)
		}
		return err
	})
	r.ok("AuditLogs.List", func(ctx context.Context) error {
		page, err := c.AuditLogs.List(ctx, &admin.ListAuditLogsParams{Action: "user.*", TargetID: user.ID, Limit: 100})
		if err == nil {
			var actions []string
			for _, e := range page.Data {
				assert.Equal(t, user.ID, e.TargetID)
				actions = append(actions, e.Action)
			}
			assert.Subset(t, actions, []string{admin.ActionUserCreate, admin.ActionUserUpdate, admin.ActionUserDelete})
		}
		return err
	})
	r.ok("AuditLogs.All", func(ctx context.Context) error {
		var actions []string
		for e, err := range c.AuditLogs.All(ctx, &admin.ListAuditLogsParams{Limit: 3, StartTime: user.CreatedAt.Add(-time.Minute)}) {
			if err != nil {
				return err
			}
			if e.TargetID == user.ID || e.TargetID == group || e.TargetID == project.ID {
				actions = append(actions, e.Action)
			}
		}
		assert.Subset(t, actions, []string{admin.ActionUserCreate, admin.ActionUserUpdate, admin.ActionUserDelete,
			admin.ActionGroupMemberAdd, admin.ActionGroupDelete, admin.ActionProjectMemberAdd, admin.ActionProjectDelete})
		return nil
	})
	r.ok("AuditLogs.Pages", func(ctx context.Context) error {
		return walkPages(t, c.AuditLogs.Pages(ctx, &admin.ListAuditLogsParams{Limit: 3, StartTime: user.CreatedAt.Add(-time.Minute)}))
	})
	r.requireCalledAll()
}

// walkPages walks a page iteration to its end; every page but the last
// has a cursor, and the walk has several pages.
func walkPages[T any](t *testing.T, seq func(func(*admin.Page[T], error) bool)) error {
	n := 0
	for pg, err := range seq {
		if err != nil {
			return err
		}
		n++
		assert.Equal(t, pg.HasMore, pg.NextCursor != "", "page %d", n)
	}
	assert.GreaterOrEqual(t, n, 2, "a walk of several pages")
	return nil
}

// proxyAdmins runs the life of a Kong-style admin through the proxy:
// invite, registration, profile, roles, password reset and removal.
func proxyAdmins(r *prismRun, u string) {
	t, c := r.t, r.c
	username, email := "contract-admin-"+u, "contract-admin-"+u+"@example.com"
	var invited *admin.Admin
	r.ok("Admins.Invite", func(ctx context.Context) (err error) {
		invited, err = c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: username, Email: email})
		return err
	})
	require.Equal(t, admin.AdminInvited, invited.Status)
	var withURL *admin.Admin
	r.ok("Admins.Get", func(ctx context.Context) (err error) {
		withURL, err = c.Admins.Get(ctx, invited.ID, &admin.GetAdminParams{GenerateRegisterURL: true})
		return err
	})
	require.NotEmpty(t, string(withURL.Token))
	r.ok("Admins.Register", func(ctx context.Context) error {
		return c.Admins.Register(ctx, &admin.RegisterAdminParams{Token: withURL.Token, Username: username,
			Email: email, Password: admin.Secret("contract-password-" + u)})
	})
	r.ok("Admins.Update", func(ctx context.Context) error {
		got, err := c.Admins.Update(ctx, username, &admin.UpdateAdminParams{CustomID: admin.Ptr("custom-" + u)})
		if err == nil {
			assert.Equal(t, admin.AdminApproved, got.Status, "registered")
			assert.Equal(t, "custom-"+u, got.CustomID)
		}
		return err
	})
	r.ok("Admins.List", func(ctx context.Context) error {
		_, err := c.Admins.List(ctx, &admin.ListAdminsParams{Size: 1})
		return err
	})
	r.ok("Admins.All", func(ctx context.Context) error {
		var ids []string
		for a, err := range c.Admins.All(ctx, &admin.ListAdminsParams{Size: 1}) {
			if err != nil {
				return err
			}
			ids = append(ids, a.ID)
		}
		assert.Contains(t, ids, invited.ID)
		return nil
	})
	r.ok("Admins.Pages", func(ctx context.Context) error {
		return walkPages(t, c.Admins.Pages(ctx, &admin.ListAdminsParams{Size: 1}))
	})
	r.ok("Admins.AddRoles", func(ctx context.Context) error {
		_, err := c.Admins.AddRoles(ctx, invited.ID, "read-only", "admin")
		return err
	})
	r.ok("Admins.RemoveRoles", func(ctx context.Context) error { return c.Admins.RemoveRoles(ctx, invited.ID, "admin") })
	r.ok("Admins.ListRoles", func(ctx context.Context) error {
		got, err := c.Admins.ListRoles(ctx, invited.ID)
		if err == nil {
			var names []string
			for _, role := range got {
				names = append(names, role.Name)
			}
			assert.Contains(t, names, "read-only")
			assert.NotContains(t, names, "admin")
		}
		return err
	})
	r.ok("Admins.ListWorkspaces", func(ctx context.Context) error {
		_, err := c.Admins.ListWorkspaces(ctx, invited.ID)
		return err
	})
	r.ok("Admins.RequestPasswordReset", func(ctx context.Context) error {
		return c.Admins.RequestPasswordReset(ctx, email)
	})
	// The reset token travels by email, which the proxy cannot see; a
	// wrong one is refused with Kong's 401.
	r.fails("Admins.ResetPassword", admin.ErrUnauthorized, func(ctx context.Context) error {
		return c.Admins.ResetPassword(ctx, &admin.ResetAdminPasswordParams{Email: email,
			Password: admin.Secret("another-password-" + u), Token: "not-the-token"})
	})
	r.ok("Admins.Delete", func(ctx context.Context) error { return c.Admins.Delete(ctx, invited.ID) })
	r.fails("Admins.Get", admin.ErrNotFound, func(ctx context.Context) error {
		_, err := c.Admins.Get(ctx, invited.ID, nil)
		return err
	})
}

// TestPrismWatchFindsViolations checks the contract runs' detector on
// canned answers: Prism's violation header and its own problem bodies
// are findings; an ordinary error or problem body is not.
func TestPrismWatchFindsViolations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		status       int
		header       map[string]string
		body         string
		want         string // a substring of the one finding; "" for none
		responseOnly bool
		wantErr      error
	}{
		{name: "clean", status: 200, body: `{"data":[{"name":"admin","description":"All"}]}`},
		{name: "violation header on a mock's 400", status: 400,
			header:  map[string]string{slViolations: `[{"location":["request","body"],"code":"required"}]`},
			body:    `{"error":{"code":"invalid_request","message":"bad"}}`,
			want:    `"code":"required"`,
			wantErr: admin.ErrBadRequest},
		{name: "Prism's 422", status: 422, header: map[string]string{"Content-Type": "application/problem+json"},
			body: `{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request","status":422}`,
			want: "UNPROCESSABLE_ENTITY", wantErr: admin.ErrBadRequest},
		{name: "Prism's 500 for a response that breaks the schema", status: 500,
			header: map[string]string{"Content-Type": "application/problem+json",
				slViolations: `[{"location":["response","body","status"],"code":"type"}]`},
			body:         `{"type":"https://stoplight.io/prism/errors#VIOLATIONS","status":500,"validation":[{"location":["response","body","status"]}]}`,
			want:         "VIOLATIONS",
			responseOnly: true, wantErr: admin.ErrServer},
		{name: "violations in request and response", status: 500,
			header: map[string]string{slViolations: `[{"location":["response","body"]},{"location":["request","query"]}]`},
			body:   `{"error":{"code":"internal","message":"x"}}`, want: `"request","query"`, wantErr: admin.ErrServer},
		{name: "unreadable violations", status: 400, header: map[string]string{slViolations: `response`},
			body: `{"error":{"code":"invalid_request","message":"x"}}`, want: "response", wantErr: admin.ErrBadRequest},
		{name: "no path matched", status: 404, header: map[string]string{"Content-Type": "application/problem+json"},
			body: `{"type":"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR","status":404}`,
			want: "NO_PATH_MATCHED_ERROR", wantErr: admin.ErrNotFound},
		{name: "a server's own problem body", status: 404, header: map[string]string{"Content-Type": "application/problem+json"},
			body: `{"type":"about:blank","status":404}`, wantErr: admin.ErrNotFound},
		{name: "a server's own 404", status: 404, body: `{"error":{"code":"not_found","message":"no such role"}}`,
			wantErr: admin.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Request-Id", "req_test")
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			w := &prismWatch{base: srv.Client().Transport}
			c, err := admin.NewClient(admin.WithHTTPClient(&http.Client{Transport: w}), admin.WithoutRetries(),
				admin.WithBaseURL(srv.URL+"/v1"), admin.WithAPIKey("sk_test_example"))
			require.NoError(t, err)
			_, err = c.Roles.List(context.Background())
			if tt.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.wantErr)
			}
			assert.Equal(t, 1, w.exchanges())
			found := w.take()
			if tt.want == "" {
				assert.Empty(t, found)
				return
			}
			require.Len(t, found, 1)
			assert.Contains(t, found[0].String(), tt.want)
			assert.Contains(t, found[0].String(), "GET /v1/roles")
			assert.Equal(t, tt.responseOnly, found[0].responseOnly)
			assert.Empty(t, w.take(), "taken once")
		})
	}
}
