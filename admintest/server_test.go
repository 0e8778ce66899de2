package admintest_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/internal/contracttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	pad := func(n int) string {
		prefix := `{"name":"A","email":"a@example.com","role":"viewer","x":"`
		return prefix + strings.Repeat("a", n-len(prefix)-2) + `"}`
	}
	tests := []struct {
		name       string
		body       string
		path       string
		wantStatus int
		wantParam  string
	}{
		{"exactly 1 MiB is read", pad(1 << 20), "/users", 400, "x"},
		{"1 MiB and a byte", pad(1<<20 + 1), "/users", 413, ""},
		{"much larger", pad(3 << 20), "/users", 413, ""},
		{"on Kong routes too", pad(1<<20 + 1), "/admins", 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, srv, request{method: "POST", path: tt.path, key: srv.APIKey, body: tt.body})
			require.Equal(t, tt.wantStatus, r.Status)
			if tt.path == "/users" {
				assert.Equal(t, tt.wantParam, r.apiError(t).Error.Param)
			} else {
				assert.Contains(t, string(r.Body), `"message"`)
			}
		})
	}
	assert.Len(t, srv.Users(), 1)
}

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	srv := setupChecked(t, contracttest.Options{AllowUnknownRoutes: true})
	r := send(t, srv, request{method: "GET", path: "/widgets", key: srv.APIKey})
	assert.Equal(t, 404, r.Status)
	assert.Equal(t, "not_found", r.apiError(t).Error.Code)
	r = send(t, srv, request{method: "PATCH", path: "/groups", key: srv.APIKey, body: "{}"})
	assert.Equal(t, 405, r.Status)
	assert.Equal(t, "GET, POST", r.Header.Get("Allow"))
	r = send(t, srv, request{method: "GET", path: "/widgets"})
	assert.Equal(t, 401, r.Status, "authentication comes first")
	resp, err := http.Get(strings.TrimSuffix(srv.URL, "/v1") + "/users")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
}

func TestRequestsRecorded(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	r := send(t, srv, request{method: "GET", path: "/users?limit=5&q=ann", key: srv.APIKey, header: map[string]string{"X-Trace": "t1"}})
	require.Equal(t, 200, r.Status)
	send(t, srv, request{method: "GET", path: "/admins", header: map[string]string{"Kong-Admin-Token": "secret"}})
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, "/v1/users", reqs[0].Path)
	assert.Equal(t, "limit=5&q=ann", reqs[0].Query)
	assert.Equal(t, 200, reqs[0].Status)
	assert.Equal(t, "t1", reqs[0].Header.Get("X-Trace"))
	assert.Empty(t, reqs[0].Header.Get("Authorization"))
	assert.Equal(t, r.Header.Get("X-Request-Id"), reqs[0].RequestID)
	assert.Empty(t, reqs[1].Header.Get("Kong-Admin-Token"))
	assert.Equal(t, 401, reqs[1].Status)
}

func TestReset(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithSeedData(5, 2, 2))
	editor := srv.NewKey("editor")
	users, groups, projects, admins := srv.Users(), srv.Groups(), srv.Projects(), srv.Admins()
	require.Len(t, users, 7, "admin, 5 seeded, the editor's user")
	createUser(t, srv, "Ann", "ann@example.com")
	require.Equal(t, 204, send(t, srv, request{method: "DELETE", path: "/groups/group-2", key: editor}).Status)
	require.Equal(t, 204, send(t, srv, request{method: "DELETE", path: "/users/" + users[2].ID, key: editor}).Status)
	require.Equal(t, 204, send(t, srv, request{method: "DELETE", path: "/admins/kong_admin", key: srv.APIKey}).Status)
	srv.InjectFault(admintest.FaultInternalError, 5)

	srv.Reset()
	assert.Equal(t, users, srv.Users())
	assert.Equal(t, groups, srv.Groups())
	assert.Equal(t, projects, srv.Projects())
	assert.Equal(t, admins, srv.Admins())
	assert.Empty(t, srv.AuditLog())
	assert.Empty(t, srv.Requests())
	assert.Equal(t, 200, send(t, srv, request{method: "GET", path: "/users", key: editor}).Status, "keys survive, injections do not")
	assert.Empty(t, srv.FaultCounts())
}

func TestNewHandlerAndMiddleware(t *testing.T) {
	t.Parallel()
	var seen atomic.Int64
	mw := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen.Add(1)
			w.Header().Set("X-Validated", "yes")
			next.ServeHTTP(w, r)
		})
	}
	h := admintest.NewHandler(admintest.WithAdminKey("sk_test_fixed"), admintest.WithMiddleware(mw), admintest.WithSeedData(2, 0, 0))
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	req, err := http.NewRequest("GET", ts.URL+"/v1/users", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer sk_test_fixed")
	resp, err := ts.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "yes", resp.Header.Get("X-Validated"))
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	assert.EqualValues(t, 1, seen.Load())

	// Without a connection to hijack, a reset fault aborts the handler instead.
	rec := httptest.NewRecorder()
	h2 := admintest.NewHandler(admintest.WithAdminKey("k"))
	get := httptest.NewRequest("GET", "/v1/users", nil)
	get.Header.Set("Authorization", "Bearer k")
	h2.ServeHTTP(rec, get)
	assert.Equal(t, 200, rec.Code)
}

func TestLatencyRespectsContext(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithLatency(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", srv.URL+"/users", bytes.NewReader([]byte(`{"name":"A","email":"a@example.com","role":"viewer"}`)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	_, err = http.DefaultClient.Do(req)
	require.Error(t, err)
	srv.Close() // returns promptly: pending delays end when the server closes
	_, ok := srv.UserByEmail("a@example.com")
	assert.False(t, ok)
}

func TestLatencyDelays(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithLatency(40*time.Millisecond))
	start := time.Now()
	assert.Equal(t, 200, send(t, srv, request{method: "GET", path: "/users", key: srv.APIKey}).Status)
	assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)
}

func TestNewKeyRejectsUnknownRole(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	assert.Panics(t, func() { srv.NewKey("emperor") })
}
