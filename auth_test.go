package admin_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

const (
	testClientID     = "cli_123"
	testClientSecret = "client-secret-0123456789"
)

// authServer is an API and an OAuth2 token endpoint on one httptest server.
type authServer struct {
	t         *testing.T
	srv       *httptest.Server
	tokenReqs atomic.Int32
	apiReqs   atomic.Int32
	expiresIn int
	// accept says whether the API accepts a token; nil accepts the latest.
	accept func(tok string) bool
	// api, when set, answers every API request instead.
	api http.HandlerFunc

	mu     sync.Mutex
	issued []string
	auths  []string // the Authorization header of every API request
	bodies []string // the body of every API request
}

// newAuthServer starts an authServer after configure has set it up.
func newAuthServer(t *testing.T, configure ...func(*authServer)) *authServer {
	a := &authServer{t: t, expiresIn: 3600}
	for _, f := range configure {
		f(a)
	}
	h := http.HandlerFunc(a.handle)
	if a.api != nil {
		h = func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/oauth/token" {
				a.token(w, r)
				return
			}
			a.api(w, r)
		}
	}
	a.srv = httptest.NewServer(h)
	t.Cleanup(a.srv.Close)
	return a
}

func (a *authServer) handle(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1/oauth/token" {
		a.token(w, r)
		return
	}
	a.apiReqs.Add(1)
	body, _ := io.ReadAll(r.Body)
	auth := r.Header.Get("Authorization")
	a.mu.Lock()
	a.auths = append(a.auths, auth)
	a.bodies = append(a.bodies, string(body))
	latest := ""
	if len(a.issued) > 0 {
		latest = a.issued[len(a.issued)-1]
	}
	a.mu.Unlock()
	tok := strings.TrimPrefix(auth, "Bearer ")
	ok := tok == latest
	if a.accept != nil {
		ok = a.accept(tok)
	}
	if !ok {
		writeJSON(w, 401, map[string]any{"error": map[string]any{"code": "invalid_api_key", "message": "bad token"}})
		return
	}
	if r.Method == http.MethodPost {
		writeJSON(w, 201, testUser("usr_1"))
		return
	}
	writeJSON(w, 200, testUser("usr_1"))
}

func (a *authServer) token(w http.ResponseWriter, r *http.Request) {
	n := a.tokenReqs.Add(1)
	id, secret, basic := r.BasicAuth()
	assert.True(a.t, basic, "client credentials in HTTP Basic auth")
	assert.Equal(a.t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.Equal(a.t, http.MethodPost, r.Method)
	assert.NoError(a.t, r.ParseForm())
	assert.Equal(a.t, "client_credentials", r.PostForm.Get("grant_type"))
	if id != testClientID || secret != testClientSecret {
		writeJSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "unknown client " + id + " with secret " + secret})
		return
	}
	tok := fmt.Sprintf("access-token-%d", n)
	a.mu.Lock()
	a.issued = append(a.issued, tok)
	a.mu.Unlock()
	writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": a.expiresIn})
}

func (a *authServer) client(t *testing.T, opts ...admin.Option) *admin.Client {
	base := []admin.Option{admin.WithBaseURL(a.srv.URL + "/v1"), admin.WithRetry(fastRetry())}
	c, err := admin.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

func (a *authServer) authHeaders() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.auths...)
}

func TestAPIKeyOnEveryRequest(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var auths []string
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		if n.Add(1) == 1 {
			writeRaw(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, testUser("usr_1"))
	})
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	_, err = c.Users.Update(context.Background(), "usr_1", &admin.UpdateUserParams{Role: admin.Ptr(admin.RoleEditor)})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"Bearer " + testKey, "Bearer " + testKey, "Bearer " + testKey}, auths)
}

func TestAPIKeyRejectedIsNotRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(w, 401, map[string]any{"error": map[string]any{"code": "invalid_api_key", "message": "no"}})
	})
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrUnauthorized)
	assert.Equal(t, int32(1), n.Load())
}

// countingSource hands out "src-token-N" tokens that expire after ttl.
type countingSource struct {
	n   atomic.Int32
	ttl time.Duration
}

func (s *countingSource) Token() (*oauth2.Token, error) {
	n := s.n.Add(1)
	tok := &oauth2.Token{AccessToken: fmt.Sprintf("src-token-%d", n), TokenType: "Bearer"}
	if s.ttl != 0 {
		tok.Expiry = time.Now().Add(s.ttl)
	}
	return tok, nil
}

func TestTokenSource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ttl       time.Duration
		wantFetch int32
		wantAuths []string
	}{
		{"cached until expiry", time.Hour, 1, []string{"Bearer src-token-1", "Bearer src-token-1", "Bearer src-token-1"}},
		{"no expiry", 0, 1, []string{"Bearer src-token-1", "Bearer src-token-1", "Bearer src-token-1"}},
		{"expired tokens are replaced", -time.Minute, 3, []string{"Bearer src-token-1", "Bearer src-token-2", "Bearer src-token-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := newAuthServer(t, func(a *authServer) { a.accept = func(tok string) bool { return strings.HasPrefix(tok, "src-token-") } })
			src := &countingSource{ttl: tt.ttl}
			c := a.client(t, admin.WithTokenSource(src))
			for range 3 {
				_, err := c.Users.Get(context.Background(), "usr_1")
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantFetch, src.n.Load())
			assert.Equal(t, tt.wantAuths, a.authHeaders())
		})
	}
}

func TestStaticTokenSourceRejected(t *testing.T) {
	t.Parallel()
	a := newAuthServer(t, func(a *authServer) { a.accept = func(string) bool { return false } })
	c := a.client(t, admin.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "static-token-value"})))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrUnauthorized)
	assert.Equal(t, int32(1), a.apiReqs.Load(), "the same token again is not worth a retry")
	assert.Equal(t, []string{"Bearer static-token-value"}, a.authHeaders())
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	a := newAuthServer(t)
	c := a.client(t, admin.WithClientCredentials(testClientID, testClientSecret, ""))
	assert.Zero(t, a.tokenReqs.Load(), "NewClient does no I/O")
	for range 5 {
		_, err := c.Users.Get(context.Background(), "usr_1")
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), a.tokenReqs.Load(), "the token is cached until it expires")
	for _, h := range a.authHeaders() {
		assert.Equal(t, "Bearer access-token-1", h)
	}
}

func TestClientCredentialsExplicitTokenURL(t *testing.T) {
	t.Parallel()
	a := newAuthServer(t)
	other := httptest.NewServer(http.HandlerFunc(a.token))
	t.Cleanup(other.Close)
	c := a.client(t, admin.WithClientCredentials(testClientID, testClientSecret, other.URL+"/token"))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, int32(1), a.tokenReqs.Load())
}

func TestClientCredentialsExpiredTokenRefetched(t *testing.T) {
	t.Parallel()
	// A token within oauth2's expiry margin is stale as soon as it arrives.
	a := newAuthServer(t, func(a *authServer) { a.expiresIn = 1 })
	c := a.client(t, admin.WithClientCredentials(testClientID, testClientSecret, ""))
	for range 3 {
		_, err := c.Users.Get(context.Background(), "usr_1")
		require.NoError(t, err)
	}
	assert.Equal(t, int32(3), a.tokenReqs.Load())
}

func TestRejectedTokenRefreshedOnce(t *testing.T) {
	t.Parallel()
	a := newAuthServer(t, func(a *authServer) { a.accept = func(tok string) bool { return tok == "access-token-2" } })
	c := a.client(t, admin.WithClientCredentials(testClientID, testClientSecret, ""))
	u, err := c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
	require.NoError(t, err)
	assert.Equal(t, "usr_1", u.ID)
	assert.Equal(t, int32(2), a.tokenReqs.Load(), "one fresh token")
	assert.Equal(t, []string{"Bearer access-token-1", "Bearer access-token-2"}, a.authHeaders())
	a.mu.Lock()
	assert.Equal(t, a.bodies[0], a.bodies[1], "the retry sends the same body")
	assert.NotEmpty(t, a.bodies[1])
	a.mu.Unlock()

	// The fresh token is cached.
	_, err = c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, int32(2), a.tokenReqs.Load())
}

func TestRejectedTokenRetriedOnlyOnce(t *testing.T) {
	t.Parallel()
	a := newAuthServer(t, func(a *authServer) { a.accept = func(string) bool { return false } })
	c := a.client(t, admin.WithClientCredentials(testClientID, testClientSecret, ""))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrUnauthorized)
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 2, e.Attempts, "the resend with a fresh token is an attempt")
	assert.Equal(t, int32(2), a.tokenReqs.Load())
	assert.Equal(t, int32(2), a.apiReqs.Load())
}

func TestTokenEndpointRefuses(t *testing.T) {
	t.Parallel()
	a := newAuthServer(t)
	c := a.client(t, admin.WithClientCredentials(testClientID, "wrong-secret-0123456789", ""))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrUnauthorized)
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 401, e.StatusCode)
	assert.Equal(t, "invalid_client", e.Code)
	assert.NotContains(t, err.Error(), "wrong-secret-0123456789")
	assert.NotContains(t, fmt.Sprintf("%+v %#v", err, e), "wrong-secret-0123456789")
	assert.Zero(t, a.apiReqs.Load())
	assert.Equal(t, int32(1), a.tokenReqs.Load(), "a refusal is not retried")
}

func TestTokenEndpointDown(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeRaw(w, 503, `{"error": "temporarily_unavailable"}`)
	}))
	t.Cleanup(tokens.Close)
	a := newAuthServer(t)
	c := a.client(t, admin.WithClientCredentials(testClientID, testClientSecret, tokens.URL+"/token"))
	_, err := c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
	require.ErrorIs(t, err, admin.ErrServer)
	assert.NotErrorIs(t, err, admin.ErrPossiblyApplied, "the change was never sent")
	assert.Equal(t, int32(4), n.Load(), "a token endpoint in trouble is retried")
	assert.Zero(t, a.apiReqs.Load())
}

func TestTokenScrubbedFromErrors(t *testing.T) {
	t.Parallel()
	a := newAuthServer(t, func(a *authServer) {
		a.api = func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 403, map[string]any{"error": map[string]any{"code": "forbidden", "message": "token " + r.Header.Get("Authorization") + " may not"}})
		}
	})
	c := a.client(t, admin.WithClientCredentials(testClientID, testClientSecret, ""))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrForbidden)
	assert.NotContains(t, err.Error(), "access-token-1")
}

func TestConcurrentRejectionsRefreshOnce(t *testing.T) {
	t.Parallel()
	a := newAuthServer(t, func(a *authServer) { a.accept = func(tok string) bool { return tok == "access-token-2" } })
	c := a.client(t, admin.WithClientCredentials(testClientID, testClientSecret, ""))
	// Fetch the first token before the crowd arrives.
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			_, err := c.Users.Get(context.Background(), "usr_1")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int32(2), a.tokenReqs.Load(), "one refresh serves every goroutine")
}

// tokenFunc is an oauth2.TokenSource made of a function.
type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

func TestTokenSourceFailures(t *testing.T) {
	t.Parallel()
	a := newAuthServer(t)
	c := a.client(t, admin.WithTokenSource(tokenFunc(func() (*oauth2.Token, error) { return &oauth2.Token{}, nil })))
	err := c.Users.Delete(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrInvalidResponse, "a token source without a token")
	assert.NotErrorIs(t, err, admin.ErrPossiblyApplied)

	c = a.client(t, admin.WithTokenSource(tokenFunc(func() (*oauth2.Token, error) { return nil, nil })))
	_, err = c.Users.Get(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrInvalidResponse)

	boom := fmt.Errorf("no credentials configured")
	c = a.client(t, admin.WithTokenSource(tokenFunc(func() (*oauth2.Token, error) { return nil, boom })))
	err = c.Users.Delete(context.Background(), "usr_1")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, boom)
	assert.False(t, e.PossiblyApplied)
	assert.Zero(t, a.apiReqs.Load())
}

// TestTokenRefreshIsAnAttempt checks that the resend after a 401 with a
// fresh token is an attempt like any other: counted, logged, paced by the
// Limiter and seen by Observers; and that WithoutRetries does not stop
// it, since it retries no failure the policy counts.
func TestTokenRefreshIsAnAttempt(t *testing.T) {
	t.Parallel()
	for _, retry := range []admin.Option{admin.WithRetry(fastRetry()), admin.WithoutRetries()} {
		a := newAuthServer(t, func(a *authServer) { a.accept = func(tok string) bool { return tok == "access-token-2" } })
		lim, obs, logs := new(countingLimiter), new(watcher), new(recorder)
		c := a.client(t, admin.WithClientCredentials(testClientID, testClientSecret, ""), retry,
			admin.WithLimiter(lim), admin.WithObserver(obs), admin.WithLogger(slog.New(logs)))
		var resp admin.Response
		_, err := c.Users.Get(admin.CaptureResponse(context.Background(), &resp), "usr_1")
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts)
		assert.Len(t, logs.attrs(), 2, "each attempt is logged")
		lim.mu.Lock()
		assert.Equal(t, 2, lim.waits)
		assert.Equal(t, []int{401, 200}, []int{lim.outcomes[0].StatusCode, lim.outcomes[1].StatusCode})
		lim.mu.Unlock()
		obs.mu.Lock()
		require.Len(t, obs.ended, 2)
		assert.Equal(t, admin.RetryUnauthorized, obs.ended[0].Retry)
		assert.Equal(t, 401, obs.ended[0].StatusCode)
		assert.Equal(t, admin.RetryReason(""), obs.ended[1].Retry)
		assert.Equal(t, 2, obs.results[0].Attempts)
		obs.mu.Unlock()
		assert.Equal(t, []string{"Bearer access-token-1", "Bearer access-token-2"}, a.authHeaders())
	}
}
