package admintest_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/admin/api-go/admintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fetchToken gets an access token with client credentials in the form.
func fetchToken(t *testing.T, srv *admintest.Server, c admintest.OAuthClient) string {
	t.Helper()
	r := postForm(t, srv, url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}}, "", "")
	require.Equal(t, 200, r.Status, "body: %s", r.Body)
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	r.decode(t, &tok)
	require.NotEmpty(t, tok.AccessToken)
	return tok.AccessToken
}

func postForm(t *testing.T, srv *admintest.Server, form url.Values, basicID, basicSecret string) response {
	t.Helper()
	req, err := http.NewRequest("POST", srv.URL+"/oauth/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body []byte
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		body = append(body, buf[:n]...)
		if err != nil {
			break
		}
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

func TestOAuthToken(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	c := srv.NewOAuthClient("editor")
	tests := []struct {
		name        string
		form        url.Values
		basic       [2]string
		wantStatus  int
		wantError   string
		wantExpires int
	}{
		{"form credentials", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}}, [2]string{}, 200, "", 3600},
		{"basic credentials", url.Values{"grant_type": {"client_credentials"}}, [2]string{c.ID, c.Secret}, 200, "", 3600},
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {"nope"}}, [2]string{}, 401, "invalid_client", 0},
		{"wrong basic secret", url.Values{"grant_type": {"client_credentials"}}, [2]string{c.ID, "nope"}, 401, "invalid_client", 0},
		{"unknown client", url.Values{"grant_type": {"client_credentials"}, "client_id": {"cli_x"}, "client_secret": {c.Secret}}, [2]string{}, 401, "invalid_client", 0},
		{"no credentials", url.Values{"grant_type": {"client_credentials"}}, [2]string{}, 401, "invalid_client", 0},
		{"other grant", url.Values{"grant_type": {"password"}, "client_id": {c.ID}, "client_secret": {c.Secret}}, [2]string{}, 400, "unsupported_grant_type", 0},
		{"no grant", url.Values{"client_id": {c.ID}, "client_secret": {c.Secret}}, [2]string{}, 400, "invalid_request", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := postForm(t, srv, tt.form, tt.basic[0], tt.basic[1])
			require.Equal(t, tt.wantStatus, r.Status, "body: %s", r.Body)
			assert.NotEmpty(t, r.Header.Get("X-Request-Id"))
			var body struct {
				AccessToken string `json:"access_token"`
				TokenType   string `json:"token_type"`
				ExpiresIn   int    `json:"expires_in"`
				Error       string `json:"error"`
			}
			r.decode(t, &body)
			assert.Equal(t, tt.wantError, body.Error)
			if tt.wantStatus == 200 {
				assert.Equal(t, "Bearer", body.TokenType)
				assert.Equal(t, tt.wantExpires, body.ExpiresIn)
				assert.Equal(t, 200, send(t, srv, request{method: "GET", path: "/users", key: body.AccessToken}).Status)
			}
		})
	}
}

func TestOAuthTokenIsALogin(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	c := srv.NewOAuthClient("viewer")
	fetchToken(t, srv, c)
	u, ok := srv.User(c.UserID)
	require.True(t, ok)
	require.NotNil(t, u.LastLoginAt)
	log := srv.AuditLog()
	require.Len(t, log, 1)
	assert.Equal(t, "user.login", log[0].Action)
	assert.Equal(t, c.UserID, log[0].UserID)
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestOAuthTokenExpires(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := setup(t, admintest.WithClock(clock.Now), admintest.WithTokenTTL(10*time.Minute))
	c := srv.NewOAuthClient("viewer")
	r := postForm(t, srv, url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}}, "", "")
	require.Equal(t, 200, r.Status)
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	r.decode(t, &tok)
	assert.Equal(t, 600, tok.ExpiresIn)

	clock.Add(10*time.Minute - time.Second)
	assert.Equal(t, 200, send(t, srv, request{method: "GET", path: "/users", key: tok.AccessToken}).Status)
	clock.Add(time.Second)
	r = send(t, srv, request{method: "GET", path: "/users", key: tok.AccessToken})
	assert.Equal(t, 401, r.Status)
	assert.Equal(t, "invalid_api_key", r.apiError(t).Error.Code)
	assert.NotEmpty(t, fetchToken(t, srv, c), "a new token can be fetched")
}

func TestAuthRoles(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithSeedData(1, 1, 1))
	keys := map[string]string{
		"admin": srv.APIKey, "editor": srv.NewKey("editor"), "viewer": srv.NewKey("viewer"),
		"researcher": srv.NewKey("researcher"),
	}
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		want   map[string]int // role → status
	}{
		{"read users", "GET", "/users", nil, map[string]int{"admin": 200, "editor": 200, "viewer": 200, "researcher": 200}},
		{"read admins", "GET", "/admins", nil, map[string]int{"admin": 200, "editor": 200, "viewer": 200}},
		{"read audit", "GET", "/audit-logs", nil, map[string]int{"admin": 200, "viewer": 200}},
		{"create user", "POST", "/users", map[string]any{"name": "N", "email": "n@example.com", "role": "viewer"},
			map[string]int{"viewer": 403, "researcher": 403, "editor": 201}},
		{"create group", "POST", "/groups", map[string]any{"name": "g", "roles": []string{"viewer"}},
			map[string]int{"viewer": 403, "editor": 201}},
		{"invite admin", "POST", "/admins", map[string]any{"username": "x"},
			map[string]int{"viewer": 403, "editor": 403, "admin": 200}},
	}
	for _, tt := range tests {
		for role, want := range tt.want {
			r := send(t, srv, request{method: tt.method, path: tt.path, key: keys[role], body: tt.body})
			require.Equal(t, want, r.Status, "%s as %s: %s", tt.name, role, r.Body)
			if want == 403 && !strings.HasPrefix(tt.path, "/admins") {
				assert.Equal(t, "forbidden", r.apiError(t).Error.Code)
			}
		}
	}
}

func TestAuthFailures(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	tests := []struct {
		name   string
		header map[string]string
		path   string
		kong   bool
	}{
		{"no token", nil, "/users", false},
		{"unknown key", map[string]string{"Authorization": "Bearer sk_test_nope"}, "/users", false},
		{"wrong scheme", map[string]string{"Authorization": "Basic " + srv.APIKey}, "/users", false},
		{"unknown key on admins", map[string]string{"Authorization": "Bearer sk_test_nope"}, "/admins", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, srv, request{method: "GET", path: tt.path, header: tt.header})
			require.Equal(t, 401, r.Status)
			assert.NotEmpty(t, r.Header.Get("X-RateLimit-Limit"))
			if tt.kong {
				var k struct{ Message string }
				r.decode(t, &k)
				assert.NotEmpty(t, k.Message)
				return
			}
			e := r.apiError(t)
			assert.Equal(t, "invalid_api_key", e.Error.Code)
			assert.Equal(t, 401, e.Error.Status)
		})
	}
	r := send(t, srv, request{method: "GET", path: "/admins", header: map[string]string{"Kong-Admin-Token": srv.APIKey}})
	assert.Equal(t, 200, r.Status, "Kong-Admin-Token is accepted too")
}
