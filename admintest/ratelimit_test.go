package admintest_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/internal/contracttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRateLimitTokenBucket(t *testing.T) {
	t.Parallel()
	clock := newFakeClock() // frozen unless moved: the bucket refills only when the test says so
	srv := setup(t, admintest.WithRateLimit(120), admintest.WithClock(clock.Now))
	get := func(key string) response { return send(t, srv, request{method: "GET", path: "/users", key: key}) }
	now := clock.Now().Unix()

	// 120 a minute is 2 a second, and the bucket holds one second's worth.
	r := get(srv.APIKey)
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "120", r.Header.Get("X-RateLimit-Limit"))
	assert.Equal(t, "1", r.Header.Get("X-RateLimit-Remaining"))
	assert.Equal(t, strconv.FormatInt(now+1, 10), r.Header.Get("X-RateLimit-Reset"))
	r = get(srv.APIKey)
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "0", r.Header.Get("X-RateLimit-Remaining"))

	r = get(srv.APIKey)
	require.Equal(t, 429, r.Status)
	assert.Equal(t, "1", r.Header.Get("Retry-After"))
	assert.Equal(t, "0", r.Header.Get("X-RateLimit-Remaining"))
	e := r.apiError(t)
	assert.Equal(t, "rate_limited", e.Error.Code)
	assert.Equal(t, 429, e.Error.Status)

	other := srv.NewKey("viewer")
	assert.Equal(t, 200, get(other).Status, "each principal has its own bucket")

	clock.Add(500 * time.Millisecond) // one token back
	assert.Equal(t, 200, get(srv.APIKey).Status)
	assert.Equal(t, 429, get(srv.APIKey).Status)

	// A refused request is not handled.
	r = send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey, body: map[string]any{"name": "A", "email": "a@example.com", "role": "viewer"}})
	assert.Equal(t, 429, r.Status)
	_, ok := srv.UserByEmail("a@example.com")
	assert.False(t, ok)
}

func TestRateLimitSlowRate(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := setup(t, admintest.WithRateLimit(6), admintest.WithClock(clock.Now)) // one token every 10s, capacity 1
	assert.Equal(t, 200, send(t, srv, request{method: "GET", path: "/users", key: srv.APIKey}).Status)
	r := send(t, srv, request{method: "GET", path: "/users", key: srv.APIKey})
	require.Equal(t, 429, r.Status)
	assert.Equal(t, "10", r.Header.Get("Retry-After"))
	assert.Equal(t, strconv.FormatInt(clock.Now().Unix()+10, 10), r.Header.Get("X-RateLimit-Reset"))
	clock.Add(9 * time.Second)
	r = send(t, srv, request{method: "GET", path: "/users", key: srv.APIKey})
	require.Equal(t, 429, r.Status)
	assert.Equal(t, "1", r.Header.Get("Retry-After"))
	clock.Add(time.Second)
	assert.Equal(t, 200, send(t, srv, request{method: "GET", path: "/users", key: srv.APIKey}).Status)
}

func TestRateLimitHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	srv := setupChecked(t, contracttest.Options{AllowUnknownRoutes: true}) // and on unknown paths
	for _, req := range []request{
		{method: "GET", path: "/users", key: srv.APIKey},
		{method: "GET", path: "/users"},
		{method: "GET", path: "/nowhere", key: srv.APIKey},
		{method: "POST", path: "/oauth/token", body: "grant_type=client_credentials"},
		{method: "GET", path: "/admins", key: srv.APIKey},
	} {
		r := send(t, srv, req)
		assert.Equal(t, "1000000", r.Header.Get("X-RateLimit-Limit"), req.path)
		assert.NotEmpty(t, r.Header.Get("X-RateLimit-Remaining"), req.path)
		assert.NotEmpty(t, r.Header.Get("X-RateLimit-Reset"), req.path)
		assert.Regexp(t, `^req_[0-9a-f]{16}$`, r.Header.Get("X-Request-Id"), req.path)
	}
}
