package admin_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

func TestErrorBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body       string
		header     string // X-Request-Id
		want       admin.Error
		sentinel   error
		wantFields map[string]string
	}{
		{
			name:   "envelope",
			status: 404,
			body: `{"error": {"code": "not_found", "message": "No such user: usr_9", "status": 404,
				"request_id": "req_body", "param": "id"}}`,
			header:   "req_header",
			want:     admin.Error{StatusCode: 404, Code: "not_found", Message: "No such user: usr_9", Param: "id", RequestID: "req_body"},
			sentinel: admin.ErrNotFound,
		},
		{
			name:     "envelope without request id",
			status:   409,
			body:     `{"error": {"code": "email_taken", "message": "taken", "param": "email"}}`,
			header:   "req_header",
			want:     admin.Error{StatusCode: 409, Code: "email_taken", Message: "taken", Param: "email", RequestID: "req_header"},
			sentinel: admin.ErrConflict,
		},
		{
			name:     "kong message",
			status:   409,
			body:     `{"message": "user already exists with same username, email, or custom_id"}`,
			header:   "req_kong",
			want:     admin.Error{StatusCode: 409, Message: "user already exists with same username, email, or custom_id", RequestID: "req_kong"},
			sentinel: admin.ErrConflict,
		},
		{
			name:     "kong schema",
			status:   400,
			body:     `{"code": 5, "name": "unique constraint violation", "message": "UNIQUE violation", "fields": {"username": "already exists", "n": 3}}`,
			want:     admin.Error{StatusCode: 400, Code: "unique constraint violation", Message: "UNIQUE violation"},
			sentinel: admin.ErrBadRequest,
			wantFields: map[string]string{
				"username": "already exists",
				"n":        "3",
			},
		},
		{
			name:     "run:ai",
			status:   400,
			body:     `{"code": 400, "message": "Required parameter is missing"}`,
			want:     admin.Error{StatusCode: 400, Message: "Required parameter is missing"},
			sentinel: admin.ErrBadRequest,
		},
		{
			name:     "oauth",
			status:   401,
			body:     `{"error": "invalid_client"}`,
			want:     admin.Error{StatusCode: 401, Code: "invalid_client", Message: "Unauthorized"},
			sentinel: admin.ErrUnauthorized,
		},
		{
			name:     "oauth with description",
			status:   401,
			body:     `{"error": "invalid_token", "error_description": "The access token expired"}`,
			want:     admin.Error{StatusCode: 401, Code: "invalid_token", Message: "The access token expired"},
			sentinel: admin.ErrUnauthorized,
		},
		{
			name:     "html",
			status:   502,
			body:     "<html><body><h1>502 Bad Gateway</h1></body></html>",
			header:   "req_proxy",
			want:     admin.Error{StatusCode: 502, Message: "Bad Gateway", RequestID: "req_proxy"},
			sentinel: admin.ErrServer,
		},
		{
			name:     "empty",
			status:   403,
			want:     admin.Error{StatusCode: 403, Message: "Forbidden"},
			sentinel: admin.ErrForbidden,
		},
		{
			name:     "json of another shape",
			status:   422,
			body:     `{"errors": [1, 2]}`,
			want:     admin.Error{StatusCode: 422, Message: "Unprocessable Entity"},
			sentinel: admin.ErrBadRequest,
		},
		{
			name:     "wrong types",
			status:   500,
			body:     `{"error": {"code": 1, "message": ["x"]}, "message": 7}`,
			want:     admin.Error{StatusCode: 500, Message: "Internal Server Error"},
			sentinel: admin.ErrServer,
		},
		{
			name:     "truncated json",
			status:   429,
			body:     `{"error": {"code": "rate_li`,
			want:     admin.Error{StatusCode: 429, Message: "Too Many Requests"},
			sentinel: admin.ErrRateLimited,
		},
	}
	all := []error{admin.ErrBadRequest, admin.ErrUnauthorized, admin.ErrForbidden, admin.ErrNotFound, admin.ErrConflict,
		admin.ErrRateLimited, admin.ErrServer, admin.ErrInvalidParams, admin.ErrInvalidResponse, admin.ErrPossiblyApplied}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.header != "" {
					w.Header().Set("X-Request-Id", tt.header)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}, admin.WithoutRetries())
			_, err := c.Users.Get(context.Background(), "usr_9")
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			want := tt.want
			want.Method, want.Path, want.Attempts = "GET", "/v1/users/usr_9", 1
			want.Fields = tt.wantFields
			assert.Equal(t, want, *e)
			for _, s := range all {
				assert.Equal(t, s == tt.sentinel, errors.Is(err, s), "errors.Is(%v)", s)
			}
			assert.Contains(t, err.Error(), fmt.Sprint(tt.status))
			if want.RequestID != "" {
				assert.Contains(t, err.Error(), want.RequestID)
			}
		})
	}
}

func TestErrorMessageScrubbed(t *testing.T) {
	t.Parallel()
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, map[string]any{"error": map[string]any{"code": "invalid_api_key",
			"message": "Bad key " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")}})
	})
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrUnauthorized)
	assert.NotContains(t, err.Error(), testKey)
	assert.Contains(t, err.Error(), "[REDACTED]")
}

func TestErrorFieldsScrubbed(t *testing.T) {
	t.Parallel()
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req_"+testKey)
		writeRaw(w, 400, `{"code": 5, "name": "bad `+testKey+`", "message": "m", "fields": {"`+testKey+`": "v `+testKey+`"}}`)
	})
	_, err := c.Users.Get(context.Background(), "usr_1")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.NotContains(t, fmt.Sprintf("%v %+v", err, *e), testKey)
	assert.Equal(t, map[string]string{"[REDACTED]": "v [REDACTED]"}, e.Fields)

	_, c = serve(t, func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 400, `{"error": {"code": "`+testKey+`", "message": "m", "param": "`+testKey+`", "request_id": "`+testKey+`"}}`)
	})
	_, err = c.Users.Get(context.Background(), "usr_1")
	require.ErrorAs(t, err, &e)
	assert.NotContains(t, fmt.Sprintf("%v %+v", err, *e), testKey)
}

func TestParamErrorMessage(t *testing.T) {
	t.Parallel()
	err := error(&admin.ParamError{Field: "Email", Reason: "is required"})
	assert.Equal(t, "admin: invalid parameter Email: is required", err.Error())
	assert.ErrorIs(t, err, admin.ErrInvalidParams)
	assert.NotErrorIs(t, err, admin.ErrBadRequest)
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	e := &admin.Error{StatusCode: 409, Code: "conflict", Message: "busy", Param: "email", RequestID: "req_1",
		Attempts: 3, Method: "POST", Path: "/v1/users", PossiblyApplied: true}
	assert.Equal(t, "admin: POST /v1/users: 409 Conflict (conflict): busy [param email] (request req_1) after 3 attempts; the change may have been applied", e.Error())
	assert.False(t, e.Temporary())
	cause := errors.New("boom")
	e = &admin.Error{Err: cause}
	assert.Equal(t, "admin: request failed: boom", e.Error())
	assert.ErrorIs(t, e, cause)
	assert.True(t, e.Temporary())
	for _, code := range []int{429, 500, 502, 503, 504} {
		assert.True(t, (&admin.Error{StatusCode: code}).Temporary(), code)
	}
}

// endlessBody is an endless response body that counts the bytes read from it.
type endlessBody struct {
	read   *atomic.Int64
	closed *atomic.Bool
}

func (b endlessBody) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	b.read.Add(int64(len(p)))
	return len(p), nil
}

func (b endlessBody) Close() error { b.closed.Store(true); return nil }

// endlessTransport answers every request with status and an endless body.
type endlessTransport struct {
	status int
	read   atomic.Int64
	closed atomic.Bool
}

func (bt *endlessTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode:    bt.status,
		Header:        http.Header{"Content-Type": {"text/html"}},
		Body:          endlessBody{&bt.read, &bt.closed},
		ContentLength: 5 << 20,
		Request:       r,
	}, nil
}

func TestErrorBodyReadIsBounded(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 500} {
		bt := &endlessTransport{status: status}
		c, err := admin.NewClient(admin.WithAPIKey(testKey), admin.WithHTTPClient(&http.Client{Transport: bt}), admin.WithoutRetries())
		require.NoError(t, err)
		_, err = c.Users.Get(context.Background(), "usr_1")
		var e *admin.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, status, e.StatusCode)
		assert.LessOrEqual(t, bt.read.Load(), int64(1<<20+128<<10), "an error body is read through a 1 MiB limit")
		assert.True(t, bt.closed.Load())
		assert.Less(t, len(err.Error()), 1024)
	}
}

func TestSuccessBodyReadIsBounded(t *testing.T) {
	t.Parallel()
	bt := &endlessTransport{status: 200}
	c, err := admin.NewClient(admin.WithAPIKey(testKey), admin.WithHTTPClient(&http.Client{Transport: bt}), admin.WithMaxResponseSize(64<<10))
	require.NoError(t, err)
	_, err = c.Users.Get(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrInvalidResponse)
	assert.LessOrEqual(t, bt.read.Load(), int64(256<<10))
	assert.True(t, bt.closed.Load())
}

// TestInvalidResponseOneWay checks that every answer that contradicts the
// contract fails the same way, wherever the contradiction is found: the
// path as sent, the answer's request id and status, and PossiblyApplied
// for a change.
func TestInvalidResponseOneWay(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("bad") == "type" || strings.HasSuffix(r.URL.Path, "/typed") {
			writeJSON(w, 200, map[string]any{"id": 5})
			return
		}
		writeJSON(w, 200, map[string]any{})
	})
	c, err := admin.NewClient(admin.WithBaseURL(srv.URL+"/api%20v1"), admin.WithAPIKey(testKey), admin.WithRetry(fastRetry()))
	require.NoError(t, err)
	ctx := context.Background()
	tests := []struct {
		name, method, path string
		call               func() error
	}{
		{"object without id", "GET", "/users/u%201", func() error { _, err := c.Users.Get(ctx, "u 1"); return err }},
		{"malformed field", "GET", "/users/typed", func() error { _, err := c.Users.Get(ctx, "typed"); return err }},
		{"change without id", "POST", "/users", func() error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
			return err
		}},
		{"reset without password", "POST", "/users/u%201/password", func() error { _, err := c.Users.ResetPassword(ctx, "u 1"); return err }},
		{"roles without data", "GET", "/roles", func() error { _, err := c.Roles.List(ctx); return err }},
		{"admin without id", "GET", "/admins/a%201", func() error { _, err := c.Admins.Get(ctx, "a 1", nil); return err }},
		{"invite without admin", "POST", "/admins", func() error { _, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "a"}); return err }},
		{"admin roles missing", "GET", "/admins/a%201/roles", func() error { _, err := c.Admins.ListRoles(ctx, "a 1"); return err }},
		{"page without data", "GET", "/users", func() error { _, err := c.Users.List(ctx, nil); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call()
			require.ErrorIs(t, err, admin.ErrInvalidResponse)
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.method, e.Method)
			assert.Equal(t, "/api%20v1"+tt.path, e.Path)
			assert.Equal(t, 200, e.StatusCode)
			assert.Equal(t, "req_test", e.RequestID)
			assert.Equal(t, 1, e.Attempts)
			assert.Equal(t, tt.method != "GET", e.PossiblyApplied)
		})
	}
}
