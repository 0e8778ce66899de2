package admin_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	admin "github.com/admin/api-go"
)

// countingTransport counts the requests that pass through it to base.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ct.n.Add(1)
	return ct.base.RoundTrip(r)
}

func TestNewClientDoesNoIO(t *testing.T) {
	t.Parallel()
	ct := &countingTransport{base: http.DefaultTransport}
	for _, auth := range []admin.Option{
		admin.WithAPIKey(testKey),
		admin.WithClientCredentials(testClientID, testClientSecret, ""),
		admin.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})),
		nil,
	} {
		c, err := admin.NewClient(auth, admin.WithBaseURL("https://unreachable.invalid/v1"), admin.WithHTTPClient(&http.Client{Transport: ct}))
		require.NoError(t, err)
		require.NotNil(t, c.Users)
	}
	assert.Zero(t, ct.n.Load())
}

func TestBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		suffix   string // appended to the server's URL
		wantPath string
		wantBase string
	}{
		{"/v1", "/v1/users/usr_1", "/v1/"},
		{"/v1/", "/v1/users/usr_1", "/v1/"},
		{"", "/users/usr_1", "/"},
		{"/", "/users/usr_1", "/"},
		{"/api/admin/v1", "/api/admin/v1/users/usr_1", "/api/admin/v1/"},
		{"/v1?x=1#frag", "/v1/users/usr_1", "/v1/"},
	}
	for _, tt := range tests {
		t.Run(tt.suffix, func(t *testing.T) {
			t.Parallel()
			got := make(chan string, 1)
			srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				got <- r.RequestURI
				writeJSON(w, 200, testUser("usr_1"))
			})
			c, err := admin.NewClient(admin.WithBaseURL(srv.URL+tt.suffix), admin.WithAPIKey(testKey))
			require.NoError(t, err)
			assert.Equal(t, srv.URL+tt.wantBase, c.BaseURL())
			_, err = c.Users.Get(context.Background(), "usr_1")
			require.NoError(t, err)
			assert.Equal(t, tt.wantPath, <-got)
		})
	}
}

func TestBaseURLChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url  string
		opts []admin.Option
		ok   bool
	}{
		{"https://api.admin.com/v1", nil, true},
		{"https://kong.example:8001/", nil, true},
		{"http://127.0.0.1:12111/v1", nil, true},
		{"http://localhost:8080", nil, true},
		{"http://[::1]:8080/v1", nil, true},
		{"http://api.admin.com/v1", nil, false},
		{"http://10.0.0.1/v1", nil, false},
		{"http://localhost.evil.example/v1", nil, false},
		{"http://api.admin.com/v1", []admin.Option{admin.WithInsecureHTTP()}, true},
		{"ftp://api.admin.com/v1", nil, false},
		{"api.admin.com/v1", nil, false},
		{"/v1", nil, false},
		{"https://user:pass@api.admin.com/v1", nil, false},
		{"https://api.admin.com/%zz", nil, false},
		{"", nil, true},
	}
	for _, tt := range tests {
		c, err := admin.NewClient(append([]admin.Option{admin.WithBaseURL(tt.url)}, tt.opts...)...)
		if tt.ok {
			assert.NoError(t, err, tt.url)
			continue
		}
		assert.Nil(t, c, tt.url)
		require.ErrorIs(t, err, admin.ErrInvalidParams, tt.url)
		var pe *admin.ParamError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "WithBaseURL", pe.Field)
		assert.NotContains(t, err.Error(), "pass")
	}
	c, err := admin.NewClient()
	require.NoError(t, err)
	assert.Equal(t, "https://api.admin.com/v1/", c.BaseURL())
}

func TestBadOptions(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]admin.Option{
		"WithAPIKey":              admin.WithAPIKey(""),
		"WithClientCredentials":   admin.WithClientCredentials("id", "", ""),
		"WithClientCredentials 2": admin.WithClientCredentials("", "secret", ""),
		"WithTokenSource":         admin.WithTokenSource(nil),
		"WithHTTPClient":          admin.WithHTTPClient(nil),
		"WithRetry":               admin.WithRetry(admin.RetryPolicy{MaxRetries: -1}),
		"WithRateLimit":           admin.WithRateLimit(0, 1),
		"WithRateLimit 2":         admin.WithRateLimit(1, 0),
		"WithMaxResponseSize":     admin.WithMaxResponseSize(0),
		"WithHeader":              admin.WithHeader("", "x"),
		"WithHeader 2":            admin.WithHeader("X-Bad Name", "x"),
		"WithHeader 3":            admin.WithHeader("X-Ok", "a\r\nX-Injected: 1"),
		"WithHeader 4":            admin.WithHeader("X-Ok:", "x"),
		"WithUserAgent":           admin.WithUserAgent("tool\n1.0"),
	} {
		_, err := admin.NewClient(opt)
		require.ErrorIs(t, err, admin.ErrInvalidParams, name)
		var pe *admin.ParamError
		require.ErrorAs(t, err, &pe, name)
		assert.Equal(t, strings.Fields(name)[0], pe.Field)
	}
}

func TestAuthorizationHeaderRefused(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"Authorization", "authorization", "AUTHORIZATION"} {
		_, err := admin.NewClient(admin.WithHeader(k, "Bearer sneaky-token-value"))
		require.ErrorIs(t, err, admin.ErrInvalidParams, k)
		assert.NotContains(t, err.Error(), "sneaky-token-value")
	}
}

func TestUserAgentAndHeaders(t *testing.T) {
	t.Parallel()
	got := make(chan http.Header, 1)
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		writeJSON(w, 201, testUser("usr_1"))
	}, admin.WithUserAgent("my-tool/2.0"), admin.WithHeader("Kong-Admin-Token", "kong-secret-token"), admin.WithHeader("X-Team", "ops"))
	_, err := c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
	require.NoError(t, err)
	h := <-got
	assert.Equal(t, "my-tool/2.0 admin-api-go/"+admin.Version, h.Get("User-Agent"))
	assert.Equal(t, "kong-secret-token", h.Get("Kong-Admin-Token"))
	assert.Equal(t, "ops", h.Get("X-Team"))
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	assert.Equal(t, "application/json", h.Get("Accept"))
	assert.Equal(t, "Bearer "+testKey, h.Get("Authorization"))
	assert.Len(t, h.Get("Idempotency-Key"), 32)
}

func TestDefaultUserAgent(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("User-Agent")
		writeJSON(w, 200, testUser("usr_1"))
	})
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, "admin-api-go/"+admin.Version, <-got)
}

func TestHTTPClientIsBaseOfChain(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	h := func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			writeRaw(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, testUser("usr_1"))
	}
	ct := &countingTransport{base: http.DefaultTransport}
	redirected := false
	hc := &http.Client{Transport: ct, CheckRedirect: func(*http.Request, []*http.Request) error { redirected = true; return nil }}
	_, c := serve(t, h, admin.WithHTTPClient(hc))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, int32(3), ct.n.Load(), "the given transport sees every attempt")
	assert.False(t, redirected)
}

// The NewClientFromEnv tests use t.Setenv, so they are not parallel.

func TestNewClientFromEnvAPIKey(t *testing.T) {
	got := make(chan string, 1)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization") + " " + r.URL.Path
		writeJSON(w, 200, testUser("usr_1"))
	})
	t.Setenv(admin.EnvAPIKey, testKey)
	t.Setenv(admin.EnvAPIURL, srv.URL+"/v2")
	t.Setenv(admin.EnvClientID, "")
	c, err := admin.NewClientFromEnv(admin.WithUserAgent("env-test"))
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/v2/", c.BaseURL())
	_, err = c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, "Bearer "+testKey+" /v2/users/usr_1", <-got)
}

func TestNewClientFromEnvClientCredentials(t *testing.T) {
	a := newAuthServer(t)
	srv, _ := serve(t, a.ServeHTTP)
	t.Setenv(admin.EnvAPIKey, "")
	t.Setenv(admin.EnvAPIURL, srv.URL+"/v1")
	t.Setenv(admin.EnvClientID, testClientID)
	t.Setenv(admin.EnvClientSecret, testClientSecret)
	t.Setenv(admin.EnvTokenURL, "")
	c, err := admin.NewClientFromEnv()
	require.NoError(t, err)
	_, err = c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, int32(1), a.tokenReqs.Load())
	assert.Contains(t, c.String(), "oauth2")
	assert.NotContains(t, c.String(), testClientSecret)
}

func TestNewClientFromEnvMissing(t *testing.T) {
	t.Setenv(admin.EnvAPIKey, "")
	t.Setenv(admin.EnvClientID, "id-only")
	t.Setenv(admin.EnvClientSecret, "")
	_, err := admin.NewClientFromEnv()
	require.ErrorIs(t, err, admin.ErrInvalidParams)
	assert.Contains(t, err.Error(), admin.EnvAPIKey)
}

func TestNewClientFromEnvBadURL(t *testing.T) {
	t.Setenv(admin.EnvAPIKey, testKey)
	t.Setenv(admin.EnvAPIURL, "http://api.example.com/v1")
	_, err := admin.NewClientFromEnv()
	require.ErrorIs(t, err, admin.ErrInvalidParams)
	assert.NotContains(t, err.Error(), testKey)
}

func TestLastAuthOptionWins(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var auths []string
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		writeJSON(w, 200, testUser("usr_1"))
	}, admin.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "from-source"})))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"Bearer from-source"}, auths, "WithTokenSource after WithAPIKey replaces the key")
}

func TestClientString(t *testing.T) {
	t.Parallel()
	c, err := admin.NewClient(admin.WithAPIKey(testKey))
	require.NoError(t, err)
	assert.Equal(t, `admin.Client{BaseURL: "https://api.admin.com/v1/", Auth: api-key}`, c.String())
	assert.Equal(t, c.String(), c.GoString())
	c, err = admin.NewClient()
	require.NoError(t, err)
	assert.Contains(t, c.String(), "Auth: none")
}

// TestBaseURLErrorNamesItsSource checks that a bad base URL from the
// environment names the variable, not an option the caller never called,
// and shows the value without any credential it holds. It uses t.Setenv,
// so it is not parallel.
func TestBaseURLErrorNamesItsSource(t *testing.T) {
	tests := []struct {
		env, want string
		hidden    []string
	}{
		{"localhost:18111", `ADMIN_API_URL: want an absolute http or https URL, got "localhost:18111" (did you mean "http://localhost:18111"?)`, nil},
		{"ftp://api.admin.com/v1", `ADMIN_API_URL: want an absolute http or https URL, got "ftp://api.admin.com/v1"`, nil},
		{"https://user:hunter2-secret@api.admin.com/v1", `ADMIN_API_URL: credentials in the URL are not allowed, got "https://[REDACTED]@api.admin.com/v1"`, []string{"hunter2", "user"}},
		{"http://api.admin.com/v1?key=k-secret-123", `ADMIN_API_URL: plain HTTP to a non-loopback host would send the token in clear, got "http://api.admin.com/v1?[REDACTED]"`, []string{"k-secret-123"}},
		{"ftp://tok-secret-123@x/v1", `got "ftp://[REDACTED]@x/v1"`, []string{"tok-secret-123"}},
		{"tok-secret-123@localhost:1", `got [REDACTED]`, []string{"tok-secret-123"}},
	}
	for _, tt := range tests {
		t.Setenv(admin.EnvAPIKey, testKey)
		t.Setenv(admin.EnvAPIURL, tt.env)
		_, err := admin.NewClientFromEnv()
		require.ErrorIs(t, err, admin.ErrInvalidParams, tt.env)
		var pe *admin.ParamError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, admin.EnvAPIURL, pe.Field)
		assert.Contains(t, err.Error(), tt.want)
		for _, h := range append(tt.hidden, testKey) {
			assert.NotContains(t, err.Error(), h)
		}
	}
	// A WithBaseURL given after the environment wins, and is named.
	t.Setenv(admin.EnvAPIURL, "https://api.admin.com/v1")
	_, err := admin.NewClientFromEnv(admin.WithBaseURL("localhost:1"))
	var pe *admin.ParamError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "WithBaseURL", pe.Field)
}
