package admin_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	admin "github.com/admin/api-go"
)

func TestScope(t *testing.T) {
	t.Parallel()
	const base = "https://api.example.com/v1"
	scope := func(opts ...admin.Option) admin.Scope {
		c, err := admin.NewClient(append([]admin.Option{admin.WithBaseURL(base)}, opts...)...)
		require.NoError(t, err)
		return admin.ScopeOf(c)
	}
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "static-token-0123456789"})
	keyA, keyB := "key-a-0123456789abcdef", "key-b-0123456789abcdef"
	tests := []struct {
		name string
		a, b admin.Scope
		same bool
	}{
		{"two keys", scope(admin.WithAPIKey(keyA)), scope(admin.WithAPIKey(keyB)), false},
		{"one key, two clients", scope(admin.WithAPIKey(keyA)), scope(admin.WithAPIKey(keyA)), true},
		{"one key, two servers", scope(admin.WithAPIKey(keyA)), scope(admin.WithAPIKey(keyA), admin.WithBaseURL("https://eu.example.com/v1")), false},
		{"two client ids", scope(admin.WithClientCredentials("id-1", "secret-0123456789", "")), scope(admin.WithClientCredentials("id-2", "secret-0123456789", "")), false},
		{"one client id, two secrets", scope(admin.WithClientCredentials("id-1", "secret-0123456789", "")), scope(admin.WithClientCredentials("id-1", "other-secret-0123456789", "")), true},
		{"one client id, two token URLs", scope(admin.WithClientCredentials("id-1", "secret-0123456789", "https://a.example.com/token")), scope(admin.WithClientCredentials("id-1", "secret-0123456789", "https://b.example.com/token")), false},
		{"token sources share their base URL's", scope(admin.WithTokenSource(ts)), scope(admin.WithTokenSource(ts)), true},
		{"a key is not a token source", scope(admin.WithAPIKey(keyA)), scope(admin.WithTokenSource(ts)), false},
		{"two header credentials", scope(admin.WithHeader("Kong-Admin-Token", "kong-a-0123456789")), scope(admin.WithHeader("Kong-Admin-Token", "kong-b-0123456789")), false},
		{"none", scope(), scope(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.same, tt.a.Key == tt.b.Key)
			assert.Equal(t, tt.a.BaseURL, strings.TrimSuffix(tt.a.BaseURL, "/")+"/")
			assert.Regexp(t, `^[0-9a-f]{64}$`, tt.a.Key)
		})
	}
	for _, s := range []admin.Scope{scope(admin.WithAPIKey(keyA)), scope(admin.WithClientCredentials("id-1", "secret-0123456789", ""))} {
		for _, v := range []string{"%v", "%+v", "%#v"} {
			out := fmt.Sprintf(v, s)
			assert.NotContains(t, out, keyA)
			assert.NotContains(t, out, "secret-0123456789")
		}
	}
}

// countingLimiter is a Limiter that lets everything through and keeps
// what it is told.
type countingLimiter struct {
	mu       sync.Mutex
	waits    int
	outcomes []admin.Outcome
	scopes   []admin.Scope
}

func (l *countingLimiter) Wait(_ context.Context, s admin.Scope) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waits++
	l.scopes = append(l.scopes, s)
	return nil
}

func (l *countingLimiter) Observe(_ admin.Scope, o admin.Outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.outcomes = append(l.outcomes, o)
}

func TestLimiterSeesEveryAttempt(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	lim := new(countingLimiter)
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			writeRaw(w, 429, `{}`)
		case 2:
			writeRaw(w, 502, `{}`)
		default:
			w.Header().Set("X-RateLimit-Limit", "600")
			w.Header().Set("X-RateLimit-Remaining", "599")
			writeJSON(w, 200, testUser("usr_1"))
		}
	}, admin.WithLimiter(lim))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	lim.mu.Lock()
	defer lim.mu.Unlock()
	assert.Equal(t, 3, lim.waits)
	require.Len(t, lim.outcomes, 3, "each attempt let through is observed once")
	assert.Equal(t, 429, lim.outcomes[0].StatusCode)
	assert.Equal(t, admin.Outcome{StatusCode: 502}, lim.outcomes[1])
	assert.Equal(t, admin.Outcome{StatusCode: 200, RateLimit: admin.RateLimit{Limit: 600, Remaining: 599}}, lim.outcomes[2])
	assert.Equal(t, admin.ScopeOf(c), lim.scopes[0])
	rl, ok := c.RateLimit()
	assert.True(t, ok)
	assert.Equal(t, 600, rl.Limit)
}

func TestLimiterRefusalEndsTheCall(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1) },
		admin.WithLimiter(refusing{}))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrRateLimited)
	assert.Equal(t, int32(0), n.Load())
}

// refusing is a Limiter that refuses every attempt.
type refusing struct{}

func (refusing) Wait(context.Context, admin.Scope) error {
	return fmt.Errorf("%w: budget spent", admin.ErrRateLimited)
}
func (refusing) Observe(admin.Scope, admin.Outcome) { panic("Observe without a granted Wait") }

func TestNilLimiterAndObserver(t *testing.T) {
	t.Parallel()
	for _, opt := range []admin.Option{admin.WithLimiter(nil), admin.WithObserver(nil)} {
		_, err := admin.NewClient(opt)
		assert.ErrorIs(t, err, admin.ErrInvalidParams)
	}
}

// tracer is an Observer that keeps a call id in the context and adds it
// to each attempt's header, as a tracing Observer adds trace context.
type tracer struct {
	name string
	log  *[]string
	mu   *sync.Mutex
}

type traceKey string

func (o tracer) add(s string) { o.mu.Lock(); *o.log = append(*o.log, o.name+" "+s); o.mu.Unlock() }

func (o tracer) StartCall(ctx context.Context, c admin.CallInfo) context.Context {
	o.add("call " + c.Route)
	return context.WithValue(ctx, traceKey(o.name), "call-"+o.name)
}

func (o tracer) Waited(ctx context.Context, w admin.Wait) {
	o.add(fmt.Sprintf("waited %s %d", w.Reason, w.Attempt))
}

func (o tracer) StartAttempt(ctx context.Context, a admin.Attempt) context.Context {
	id, _ := ctx.Value(traceKey(o.name)).(string)
	a.Header.Set("X-Trace-"+o.name, fmt.Sprintf("%s/%d", id, a.Number))
	o.add(fmt.Sprintf("attempt %d", a.Number))
	return context.WithValue(ctx, traceKey(o.name+"-attempt"), a.Number)
}

func (o tracer) EndAttempt(ctx context.Context, r admin.AttemptResult) {
	n, _ := ctx.Value(traceKey(o.name + "-attempt")).(int)
	o.add(fmt.Sprintf("end %d (ctx %d) %d %q", r.Number, n, r.StatusCode, r.Retry))
}

func (o tracer) EndCall(ctx context.Context, r admin.CallResult) {
	_, ok := ctx.Value(traceKey(o.name)).(string)
	o.add(fmt.Sprintf("end call %d attempts %d %v %v", r.Attempts, r.StatusCode, r.Err == nil, ok))
}

func TestObserversSeeEveryStep(t *testing.T) {
	t.Parallel()
	var (
		n       atomic.Int32
		mu      sync.Mutex
		log     []string
		headers []string
	)
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers = append(headers, r.Header.Get("X-Trace-a")+" "+r.Header.Get("X-Trace-b"))
		mu.Unlock()
		if n.Add(1) == 1 {
			writeRaw(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, testUser("usr_1"))
	}, admin.WithoutRateLimit(), admin.WithObserver(tracer{"a", &log, &mu}), admin.WithObserver(tracer{"b", &log, &mu}))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"call-a/1 call-b/1", "call-a/2 call-b/2"}, headers, "trace context is on every attempt")
	assert.Equal(t, []string{
		"a call /users/{id}", "b call /users/{id}",
		"a attempt 1", "b attempt 1",
		`a end 1 (ctx 1) 503 "status"`, `b end 1 (ctx 1) 503 "status"`,
		"a waited backoff 2", "b waited backoff 2",
		"a attempt 2", "b attempt 2",
		`a end 2 (ctx 2) 200 ""`, `b end 2 (ctx 2) 200 ""`,
		"a end call 2 attempts 200 true true", "b end call 2 attempts 200 true true",
	}, log)
}

func TestObserverSeesLimiterWaits(t *testing.T) {
	t.Parallel()
	rec := new(watcher)
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, testUser("usr_1")) },
		admin.WithObserver(rec))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"call GET /users/{id}", "wait limiter before 1", "attempt 1",
		`end 1 status 200 retry ""`, "end call: 1 attempts, status 200, err false",
	}, rec.log())
}

// specRoutes returns the path templates of api/openapi.yaml without the
// "/v1" server prefix.
func specRoutes(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open("api/openapi.yaml")
	require.NoError(t, err)
	defer f.Close()
	re := regexp.MustCompile(`^  /v1(/\S*):\s*$`)
	routes := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			routes[m[1]] = true
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, routes)
	return routes
}

func TestObserverRoutesAreTemplates(t *testing.T) {
	t.Parallel()
	const id, id2 = "id-xyzzy", "id-plugh"
	ctx := context.Background()
	first := func(seq func(func(admin.User, error) bool)) {
		for range seq {
			break
		}
	}
	calls := map[string]func(c *admin.Client){
		"Users.List": func(c *admin.Client) { _, _ = c.Users.List(ctx, nil) },
		"Users.All":  func(c *admin.Client) { first(c.Users.All(ctx, nil)) },
		"Users.Create": func(c *admin.Client) {
			_, _ = c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
		},
		"Users.Get":           func(c *admin.Client) { _, _ = c.Users.Get(ctx, id) },
		"Users.Update":        func(c *admin.Client) { _, _ = c.Users.Update(ctx, id, &admin.UpdateUserParams{}) },
		"Users.Delete":        func(c *admin.Client) { _ = c.Users.Delete(ctx, id) },
		"Users.Logout":        func(c *admin.Client) { _ = c.Users.Logout(ctx, id) },
		"Users.ResetPassword": func(c *admin.Client) { _, _ = c.Users.ResetPassword(ctx, id) },
		"Groups.List":         func(c *admin.Client) { _, _ = c.Groups.List(ctx, nil) },
		"Groups.All": func(c *admin.Client) {
			for range c.Groups.All(ctx, nil) {
				break
			}
		},
		"Groups.Create":       func(c *admin.Client) { _, _ = c.Groups.Create(ctx, &admin.CreateGroupParams{Name: id}) },
		"Groups.Get":          func(c *admin.Client) { _, _ = c.Groups.Get(ctx, id) },
		"Groups.Update":       func(c *admin.Client) { _, _ = c.Groups.Update(ctx, id, &admin.UpdateGroupParams{}) },
		"Groups.Delete":       func(c *admin.Client) { _ = c.Groups.Delete(ctx, id) },
		"Groups.ListMembers":  func(c *admin.Client) { _, _ = c.Groups.ListMembers(ctx, id, nil) },
		"Groups.AllMembers":   func(c *admin.Client) { first(c.Groups.AllMembers(ctx, id, nil)) },
		"Groups.AddMember":    func(c *admin.Client) { _ = c.Groups.AddMember(ctx, id, id2) },
		"Groups.RemoveMember": func(c *admin.Client) { _ = c.Groups.RemoveMember(ctx, id, id2) },
		"Roles.List":          func(c *admin.Client) { _, _ = c.Roles.List(ctx) },
		"Projects.List":       func(c *admin.Client) { _, _ = c.Projects.List(ctx, nil) },
		"Projects.All": func(c *admin.Client) {
			for range c.Projects.All(ctx, nil) {
				break
			}
		},
		"Projects.Create": func(c *admin.Client) {
			_, _ = c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "P", ClusterID: id})
		},
		"Projects.Get":          func(c *admin.Client) { _, _ = c.Projects.Get(ctx, id) },
		"Projects.Update":       func(c *admin.Client) { _, _ = c.Projects.Update(ctx, id, &admin.UpdateProjectParams{}) },
		"Projects.Delete":       func(c *admin.Client) { _ = c.Projects.Delete(ctx, id) },
		"Projects.AddMember":    func(c *admin.Client) { _ = c.Projects.AddMember(ctx, id, id2) },
		"Projects.RemoveMember": func(c *admin.Client) { _ = c.Projects.RemoveMember(ctx, id, id2) },
		"Clusters.List":         func(c *admin.Client) { _, _ = c.Clusters.List(ctx, nil) },
		"Clusters.All": func(c *admin.Client) {
			for range c.Clusters.All(ctx, nil) {
				break
			}
		},
		"Clusters.Get": func(c *admin.Client) { _, _ = c.Clusters.Get(ctx, id) },
		"Admins.List":  func(c *admin.Client) { _, _ = c.Admins.List(ctx, nil) },
		"Admins.All": func(c *admin.Client) {
			for range c.Admins.All(ctx, nil) {
				break
			}
		},
		"Admins.Invite": func(c *admin.Client) { _, _ = c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "u"}) },
		"Admins.Register": func(c *admin.Client) {
			_ = c.Admins.Register(ctx, &admin.RegisterAdminParams{Token: "t", Username: "u", Email: "u@example.com", Password: "password1"})
		},
		"Admins.RequestPasswordReset": func(c *admin.Client) { _ = c.Admins.RequestPasswordReset(ctx, "u@example.com") },
		"Admins.ResetPassword": func(c *admin.Client) {
			_ = c.Admins.ResetPassword(ctx, &admin.ResetAdminPasswordParams{Email: "u@example.com", Password: "password1", Token: "t"})
		},
		"Admins.Get":            func(c *admin.Client) { _, _ = c.Admins.Get(ctx, id, nil) },
		"Admins.Update":         func(c *admin.Client) { _, _ = c.Admins.Update(ctx, id, &admin.UpdateAdminParams{}) },
		"Admins.Delete":         func(c *admin.Client) { _ = c.Admins.Delete(ctx, id) },
		"Admins.ListRoles":      func(c *admin.Client) { _, _ = c.Admins.ListRoles(ctx, id) },
		"Admins.AddRoles":       func(c *admin.Client) { _, _ = c.Admins.AddRoles(ctx, id, "r") },
		"Admins.RemoveRoles":    func(c *admin.Client) { _ = c.Admins.RemoveRoles(ctx, id, "r") },
		"Admins.ListWorkspaces": func(c *admin.Client) { _, _ = c.Admins.ListWorkspaces(ctx, id) },
		"AuditLogs.List":        func(c *admin.Client) { _, _ = c.AuditLogs.List(ctx, nil) },
		"AuditLogs.All": func(c *admin.Client) {
			for range c.AuditLogs.All(ctx, nil) {
				break
			}
		},
		"Me.ChangePassword": func(c *admin.Client) { _ = c.Me.ChangePassword(ctx, "old-password", "new-password") },
		"Me.Get":            func(c *admin.Client) { _, _ = c.Me.Get(ctx) },
		"Users.Pages": func(c *admin.Client) {
			for range c.Users.Pages(ctx, nil) {
				break
			}
		},
		"Groups.Pages": func(c *admin.Client) {
			for range c.Groups.Pages(ctx, nil) {
				break
			}
		},
		"Groups.MemberPages": func(c *admin.Client) {
			for range c.Groups.MemberPages(ctx, id, nil) {
				break
			}
		},
		"Projects.Pages": func(c *admin.Client) {
			for range c.Projects.Pages(ctx, nil) {
				break
			}
		},
		"Clusters.Pages": func(c *admin.Client) {
			for range c.Clusters.Pages(ctx, nil) {
				break
			}
		},
		"Admins.Pages": func(c *admin.Client) {
			for range c.Admins.Pages(ctx, nil) {
				break
			}
		},
		"AuditLogs.Pages": func(c *admin.Client) {
			for range c.AuditLogs.Pages(ctx, nil) {
				break
			}
		},
	}

	// Every method of every service is in the table.
	var methods []string
	ct := reflect.TypeFor[admin.Client]()
	for i := range ct.NumField() {
		f := ct.Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer {
			continue
		}
		for j := range f.Type.NumMethod() {
			methods = append(methods, f.Name+"."+f.Type.Method(j).Name)
		}
	}
	slices.Sort(methods)
	var listed []string
	for name := range calls {
		listed = append(listed, name)
	}
	slices.Sort(listed)
	require.Equal(t, methods, listed, "every service method is called below")

	routes := specRoutes(t)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) { writeRaw(w, 404, `{}`) })
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rec := new(watcher)
			c, err := admin.NewClient(admin.WithBaseURL(srv.URL+"/v1"), admin.WithAPIKey(testKey), admin.WithObserver(rec))
			require.NoError(t, err)
			call(c)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			require.NotEmpty(t, rec.calls, "the method made a call")
			for _, ci := range rec.calls {
				assert.True(t, routes[ci.Route], "%s: route %q is a path of the spec", name, ci.Route)
				assert.NotContains(t, ci.Route, "xyzzy")
				assert.NotContains(t, ci.Route, "plugh")
				assert.Equal(t, srv.URL+"/v1/", ci.BaseURL)
			}
		})
	}
}

// TestAttemptResultTellsWhatTheServerSaid checks that each attempt's result
// carries its own answer's X-Request-Id, scrubbed of credentials, and
// X-RateLimit-* headers, not the call's last ones.
func TestAttemptResultTellsWhatTheServerSaid(t *testing.T) {
	t.Parallel()
	reset := time.Unix(1_900_000_000, 0)
	tests := []struct {
		name    string
		answers []http.Header // one per attempt; the last is a 200
		want    []admin.AttemptResult
	}{
		{
			name: "each attempt its own",
			answers: []http.Header{
				{"X-Request-Id": {"req_1"}, "X-Ratelimit-Limit": {"600"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"1900000000"}},
				{"X-Request-Id": {"req_2"}},
			},
			want: []admin.AttemptResult{
				{Number: 1, StatusCode: 503, RequestID: "req_1", RateLimit: admin.RateLimit{Limit: 600, Remaining: 0, Reset: reset}},
				{Number: 2, StatusCode: 200, RequestID: "req_2"},
			},
		},
		{
			name: "a budget on the last answer only",
			answers: []http.Header{
				{},
				{"X-Ratelimit-Limit": {"60"}, "X-Ratelimit-Remaining": {"59"}},
			},
			want: []admin.AttemptResult{
				{Number: 1, StatusCode: 503},
				{Number: 2, StatusCode: 200, RateLimit: admin.RateLimit{Limit: 60, Remaining: 59}},
			},
		},
		{
			name:    "a request id quoting the key is scrubbed",
			answers: []http.Header{{"X-Request-Id": {"id-" + testKey}}},
			want:    []admin.AttemptResult{{Number: 1, StatusCode: 200, RequestID: "id-[REDACTED]"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			rec := new(watcher)
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				for k, vs := range tt.answers[i] {
					w.Header()[k] = vs
				}
				if i < len(tt.answers)-1 {
					writeRaw(w, 503, `{}`)
					return
				}
				body, _ := json.Marshal(testUser("usr_1"))
				writeRaw(w, 200, string(body))
			}, admin.WithoutRateLimit(), admin.WithObserver(rec))
			_, err := c.Users.Get(context.Background(), "usr_1")
			require.NoError(t, err)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			require.Len(t, rec.ended, len(tt.want))
			for i, got := range rec.ended {
				got.Duration, got.Err, got.Retry = 0, nil, ""
				assert.Equal(t, tt.want[i], got, "attempt %d", i+1)
			}
		})
	}
}

// TestRetryHeaderIsAfresh checks that a retry carries the call's header as
// the first attempt did, without what a cookie jar or an Observer added to
// the attempt before it.
func TestRetryHeaderIsAfresh(t *testing.T) {
	t.Parallel()
	for _, observed := range []bool{false, true} {
		t.Run(fmt.Sprintf("observed=%t", observed), func(t *testing.T) {
			t.Parallel()
			var (
				mu      sync.Mutex
				headers []http.Header
				log     []string
			)
			srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				headers = append(headers, r.Header.Clone())
				n := len(headers)
				mu.Unlock()
				if n < 3 {
					writeRaw(w, 503, `{}`)
					return
				}
				writeJSON(w, 201, testUser("usr_1"))
			}, admin.WithoutRateLimit())
			jar, err := cookiejar.New(nil)
			require.NoError(t, err)
			u, err := url.Parse(srv.URL)
			require.NoError(t, err)
			jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: "s1"}})
			opts := []admin.Option{admin.WithBaseURL(srv.URL + "/v1"), admin.WithAPIKey(testKey), admin.WithRetry(fastRetry()),
				admin.WithoutRateLimit(), admin.WithHTTPClient(&http.Client{Jar: jar})}
			if observed {
				opts = append(opts, admin.WithObserver(tracer{"a", &log, &mu}))
			}
			c, err := admin.NewClient(opts...)
			require.NoError(t, err)
			_, err = c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "Ada", Email: "ada@example.com", Role: admin.RoleViewer})
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, headers, 3)
			for i, h := range headers {
				assert.Equal(t, []string{"session=s1"}, h["Cookie"], "attempt %d", i+1)
				assert.Equal(t, []string{"Bearer " + testKey}, h["Authorization"], "attempt %d", i+1)
				assert.Equal(t, headers[0]["Idempotency-Key"], h["Idempotency-Key"], "attempt %d", i+1)
				assert.Len(t, h["Idempotency-Key"], 1, "attempt %d", i+1)
				if observed {
					assert.Equal(t, []string{fmt.Sprintf("call-a/%d", i+1)}, h["X-Trace-A"], "attempt %d", i+1)
				}
			}
		})
	}
}
