package contracttest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/admin/api-go/internal/contracttest"
)

// recordingTB is a testing.TB that records Errorf calls instead of failing.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) recorded() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

// call describes one request and the answer of the fake handler.
type call struct {
	method string
	path   string // request URI, under /v1 unless opts.Mount says otherwise
	header http.Header
	body   string // request body; a Content-Type must be set in header

	status     int
	respHeader http.Header // added to the standard headers (X-Request-Id, rate limits, JSON)
	respBody   any         // JSON-encoded unless it is a string
	omit       []string    // standard headers to leave out
}

func std() http.Header {
	return http.Header{
		"Content-Type":          {"application/json"},
		"X-Request-Id":          {"req_test123"},
		"X-Ratelimit-Limit":     {"1000"},
		"X-Ratelimit-Remaining": {"999"},
		"X-Ratelimit-Reset":     {"1736933460"},
	}
}

func bearer() http.Header { return http.Header{"Authorization": {"Bearer sk_test_example"}} }

func jsonBody() http.Header {
	h := bearer()
	h.Set("Content-Type", "application/json")
	return h
}

// handler answers c's response and records the request body it got.
func (c call) handler(gotBody *[]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			panic(err)
		}
		*gotBody = b
		h := w.Header()
		for k, v := range std() {
			h[k] = v
		}
		for _, k := range c.omit {
			h.Del(k)
		}
		for k, v := range c.respHeader {
			h[http.CanonicalHeaderKey(k)] = v
		}
		w.WriteHeader(c.status)
		switch b := c.respBody.(type) {
		case nil:
		case string:
			io.WriteString(w, b)
		case []byte:
			w.Write(b)
		default:
			if err := json.NewEncoder(w).Encode(b); err != nil {
				panic(err)
			}
		}
	})
}

// do sends c through a server wrapped in Middleware(rec, opts) and returns
// what the handler and the client got.
func (c call) do(t *testing.T, rec testing.TB, opts contracttest.Options) (handlerGot []byte, resp *http.Response, respBody []byte) {
	t.Helper()
	srv := httptest.NewServer(contracttest.Middleware(rec, opts)(c.handler(&handlerGot)))
	defer srv.Close()
	req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.body == "" {
		req.Body = http.NoBody
		req.ContentLength = 0
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	resp, err = srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	respBody, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return handlerGot, resp, respBody
}

func user() map[string]any {
	return map[string]any{
		"id": "usr_1a2b3c", "name": "Ada", "email": "ada@example.com", "role": "editor",
		"status": "active", "groups": []any{"ml-team"},
		"created_at": "2025-01-15T09:30:00Z", "updated_at": "2025-01-15T09:30:00Z",
		"last_login_at": nil,
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == deleted {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

var deleted = &struct{}{}

func userPage(users ...any) map[string]any {
	return map[string]any{"data": append([]any{}, users...), "meta": map[string]any{"next_cursor": nil, "has_more": false}}
}

func admin() map[string]any {
	return map[string]any{
		"id": "665b4070-541f-48bf-82c1-53030babaa81", "username": "test-admin", "email": nil,
		"custom_id": nil, "status": 4, "rbac_token_enabled": true,
		"created_at": 1556638385, "updated_at": 1556638385,
	}
}

func TestMiddleware(t *testing.T) {
	tests := []struct {
		name string
		call call
		opts contracttest.Options
		want []string // substrings of the reported errors, one per error; none means a pass
	}{
		{
			name: "conforming page with null fields",
			call: call{method: "GET", path: "/v1/users?limit=2&role=editor", header: bearer(), status: 200, respBody: userPage(user(), with(user(), "last_login_at", "2025-01-16T08:12:45Z"))},
		},
		{
			name: "JSON with charset",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200, respBody: user(), respHeader: http.Header{"Content-Type": {"application/json; charset=utf-8"}}},
		},
		{
			name: "wrong type",
			call: call{method: "GET", path: "/v1/users", header: bearer(), status: 200, respBody: map[string]any{"data": []any{}, "meta": map[string]any{"next_cursor": nil, "has_more": "no"}}},
			want: []string{`GET /v1/users -> 200 (listUsers): response violates`},
		},
		{
			name: "missing required field",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200, respBody: with(user(), "email", deleted)},
			want: []string{`GET /v1/users/usr_1 -> 200 (getUser): response violates api/openapi.yaml: response body doesn't match schema`},
		},
		{
			name: "null where not nullable",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200, respBody: with(user(), "name", nil)},
			want: []string{"(getUser): response violates"},
		},
		{
			name: "wrong type in a nullable field",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200, respBody: with(user(), "last_login_at", 5)},
			want: []string{`at "/last_login_at"`},
		},
		{
			name: "required nullable field missing",
			call: call{method: "GET", path: "/v1/users", header: bearer(), status: 200, respBody: map[string]any{"data": []any{}, "meta": map[string]any{"has_more": false}}},
			want: []string{`property "next_cursor" is missing`},
		},
		{
			name: "value outside an enum",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200, respBody: with(user(), "status", "deleted")},
			want: []string{"(getUser): response violates"},
		},
		{
			name: "unknown response field, closed by default",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200, respBody: with(user(), "nickname", "ada")},
			want: []string{"nickname"},
		},
		{
			name: "unknown response field in a nested object",
			call: call{method: "GET", path: "/v1/users", header: bearer(), status: 200, respBody: map[string]any{"data": []any{with(user(), "extra", 1)}, "meta": map[string]any{"next_cursor": nil, "has_more": false}}},
			want: []string{"extra"},
		},
		{
			name: "unknown response field allowed",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200, respBody: with(user(), "nickname", "ada")},
			opts: contracttest.Options{AllowUnknownFields: true},
		},
		{
			name: "free-form metadata stays open",
			call: call{method: "GET", path: "/v1/audit-logs?action=user.create", header: bearer(), status: 200, respBody: map[string]any{
				"data": []any{map[string]any{
					"id": "evt_1", "action": "user.create", "user_id": "usr_1", "target_type": "user", "target_id": "usr_2",
					"ip": "203.0.113.7", "created_at": "2025-01-15T09:30:00Z", "metadata": map[string]any{"anything": []any{1, "x"}},
				}},
				"meta": map[string]any{"next_cursor": "c1", "has_more": true},
			}},
		},
		{
			name: "missing required response header",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200, respBody: user(), omit: []string{"X-Request-Id"}},
			want: []string{`response header "X-Request-Id" missing`},
		},
		{
			name: "rate limit headers may be missing on a 401",
			call: call{method: "GET", path: "/v1/users/usr_1", status: 401, omit: []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"},
				respBody: map[string]any{"error": map[string]any{"code": "invalid_api_key", "message": "no", "status": 401, "request_id": "req_1"}}},
		},
		{
			name: "429 needs Retry-After",
			call: call{method: "GET", path: "/v1/users", header: bearer(), status: 429,
				respBody: map[string]any{"error": map[string]any{"code": "rate_limited", "message": "slow down", "status": 429, "request_id": "req_1"}}},
			want: []string{`response header "Retry-After" missing`},
		},
		{
			name: "error envelope with an unknown code",
			call: call{method: "GET", path: "/v1/users/usr_x", header: bearer(), status: 404,
				respBody: map[string]any{"error": map[string]any{"code": "missing", "message": "no", "status": 404, "request_id": "req_1"}}},
			want: []string{"(getUser): response violates"},
		},
		{
			name: "undocumented status",
			call: call{method: "GET", path: "/v1/users", header: bearer(), status: 418, respBody: map[string]any{}},
			want: []string{"GET /v1/users -> 418 (listUsers): response violates api/openapi.yaml: status is not supported"},
		},
		{
			name: "undocumented status allowed",
			call: call{method: "GET", path: "/v1/users", header: bearer(), status: 418, respBody: map[string]any{}},
			opts: contracttest.Options{AllowUndocumentedStatus: true},
		},
		{
			name: "unknown route",
			call: call{method: "GET", path: "/v1/nope", header: bearer(), status: 404},
			want: []string{"GET /v1/nope -> 404: no such operation"},
		},
		{
			name: "unknown method",
			call: call{method: "PATCH", path: "/v1/roles", header: bearer(), status: 405},
			want: []string{"PATCH /v1/roles -> 405: no such operation"},
		},
		{
			name: "unknown route allowed",
			call: call{method: "GET", path: "/v1/nope", header: bearer(), status: 404},
			opts: contracttest.Options{AllowUnknownRoutes: true},
		},
		{
			name: "empty 204",
			call: call{method: "DELETE", path: "/v1/users/usr_1", header: bearer(), status: 204, omit: []string{"Content-Type"}},
			opts: contracttest.Options{Requests: true},
		},
		{
			name: "replayed 204",
			call: call{method: "DELETE", path: "/v1/users/usr_1", header: with2(bearer(), "Idempotency-Key", "k1"), status: 204, respHeader: http.Header{"Idempotent-Replayed": {"true"}}},
			opts: contracttest.Options{Requests: true},
		},
		{
			name: "empty Kong 201",
			call: call{method: "POST", path: "/v1/admins/register", header: jsonBody(), body: `{"token":"t","username":"u","email":"u@example.com","password":"p"}`, status: 201},
			opts: contracttest.Options{Requests: true},
		},
		{
			name: "empty body where JSON is documented",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200},
			want: []string{"(getUser): response violates"},
		},
		{
			name: "Kong page, last page, exponent timestamps",
			call: call{method: "GET", path: "/v1/admins?size=10", header: bearer(), status: 200, respBody: `{"data":[{"id":"665b4070-541f-48bf-82c1-53030babaa81","username":"a","status":0,"rbac_token_enabled":false,"created_at":1.556638385e+09,"updated_at":1556638385.0}],"next":null}`},
		},
		{
			name: "Kong page with next and offset",
			call: call{method: "GET", path: "/v1/admins", header: bearer(), status: 200, respBody: map[string]any{"data": []any{admin()}, "next": "/v1/admins?offset=abc&size=1", "offset": "abc"}},
		},
		{
			name: "admin status outside 0-5",
			call: call{method: "GET", path: "/v1/admins/test-admin", header: bearer(), status: 200, respBody: with(admin(), "status", 7)},
			want: []string{"(getAdmin): response violates"},
		},
		{
			name: "fractional admin timestamp",
			call: call{method: "GET", path: "/v1/admins/test-admin", header: bearer(), status: 200, respBody: with(admin(), "created_at", 1556638385.5)},
			want: []string{"(getAdmin): response violates"},
		},
		{
			name: "Kong errors",
			call: call{method: "POST", path: "/v1/admins", header: jsonBody(), body: `{"username":"a"}`, status: 409, respBody: map[string]any{"code": 5, "name": "unique constraint violation", "message": "dup", "fields": map[string]any{"username": "a"}}},
			opts: contracttest.Options{Requests: true},
		},
		{
			name: "envelope where Kong's form is documented",
			call: call{method: "GET", path: "/v1/admins/x", header: bearer(), status: 404, respBody: map[string]any{"error": map[string]any{"code": "not_found", "message": "no", "status": 404, "request_id": "req_1"}}},
			want: []string{"(getAdmin): response violates"},
		},
		{
			name: "workspaces bare array",
			call: call{method: "GET", path: "/v1/admins/a/workspaces", header: bearer(), status: 200, respBody: []any{map[string]any{
				"id": "b58c7d9d-e54f-444c-b24d-cdfc4159f61e", "name": "default", "comment": nil, "created_at": 1556563122,
				"config": map[string]any{"portal": false, "portal_auto_approve": false}, "meta": map[string]any{"color": "#ffcc00"},
			}}},
		},
		{
			name: "HTML 502 from fault injection",
			call: call{method: "GET", path: "/v1/users", header: bearer(), status: 502, omit: []string{"X-Request-Id"}, respHeader: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, respBody: "<html><body>502 Bad Gateway</body></html>"},
		},
		{
			name: "HTML on a 200",
			call: call{method: "GET", path: "/v1/users", header: bearer(), status: 200, respHeader: http.Header{"Content-Type": {"text/html"}}, respBody: "<html></html>"},
			want: []string{"(listUsers): response violates"},
		},
		{
			name: "valid request",
			call: call{method: "POST", path: "/v1/users", header: with2(jsonBody(), "Idempotency-Key", "key-1"), body: `{"name":"Ada","email":"ada@example.com","role":"editor"}`, status: 201, respBody: with(user(), "status", "invited")},
			opts: contracttest.Options{Requests: true},
		},
		{
			name: "unknown request field",
			call: call{method: "POST", path: "/v1/users", header: jsonBody(), body: `{"name":"Ada","email":"ada@example.com","role":"editor","bogus":1}`, status: 201, respBody: user()},
			opts: contracttest.Options{Requests: true},
			want: []string{"POST /v1/users -> 201 (createUser): request violates api/openapi.yaml"},
		},
		{
			name: "requests not checked by default",
			call: call{method: "POST", path: "/v1/users", header: jsonBody(), body: `{"bogus":1}`, status: 201, respBody: user()},
		},
		{
			name: "missing token",
			call: call{method: "GET", path: "/v1/users", status: 200, respBody: userPage()},
			opts: contracttest.Options{Requests: true},
			want: []string{"no bearer token"},
		},
		{
			name: "missing token allowed",
			call: call{method: "GET", path: "/v1/users", status: 200, respBody: userPage()},
			opts: contracttest.Options{Requests: true, SkipSecurity: true},
		},
		{
			name: "Idempotency-Key too long",
			call: call{method: "DELETE", path: "/v1/users/usr_1", header: with2(bearer(), "Idempotency-Key", strings.Repeat("k", 256)), status: 204},
			opts: contracttest.Options{Requests: true},
			want: []string{"Idempotency-Key"},
		},
		{
			name: "query parameter out of range",
			call: call{method: "GET", path: "/v1/users?limit=101", header: bearer(), status: 200, respBody: userPage()},
			opts: contracttest.Options{Requests: true},
			want: []string{"limit"},
		},
		{
			name: "DELETE with a body",
			call: call{method: "DELETE", path: "/v1/admins/a/roles", header: jsonBody(), body: `{"roles":"read-only,admin"}`, status: 204},
			opts: contracttest.Options{Requests: true},
		},
		{
			name: "form-encoded token request, credentials in the form",
			call: call{method: "POST", path: "/v1/oauth/token", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
				body:   url.Values{"grant_type": {"client_credentials"}, "client_id": {"c"}, "client_secret": {"cs_test_example"}}.Encode(),
				status: 200, respBody: map[string]any{"access_token": "at_test_example", "token_type": "Bearer", "expires_in": 3600}},
			opts: contracttest.Options{Requests: true},
		},
		{
			name: "form-encoded token request, Basic auth",
			call: call{method: "POST", path: "/v1/oauth/token", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Basic Yzpjc190ZXN0X2V4YW1wbGU="}},
				body: "grant_type=client_credentials", status: 401, respBody: map[string]any{"error": "invalid_client"}},
			opts: contracttest.Options{Requests: true},
		},
		{
			name: "form-encoded token request, unknown field and grant",
			call: call{method: "POST", path: "/v1/oauth/token", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
				body: "grant_type=password&username=u", status: 400, respBody: map[string]any{"error": "unsupported_grant_type"}},
			opts: contracttest.Options{Requests: true},
			want: []string{"(createOAuthToken): request violates"},
		},
		{
			name: "mounted at the root",
			call: call{method: "GET", path: "/users/usr_1", header: bearer(), status: 200, respBody: user()},
			opts: contracttest.Options{Mount: "/"},
		},
		{
			name: "mounted elsewhere",
			call: call{method: "GET", path: "/api/v1/users/usr_1", header: bearer(), status: 200, respBody: with(user(), "id", 5)},
			opts: contracttest.Options{Mount: "/api/v1/"},
			want: []string{"GET /api/v1/users/usr_1 -> 200 (getUser): response violates"},
		},
		{
			name: "outside the mount point",
			call: call{method: "GET", path: "/v1/users/usr_1", header: bearer(), status: 200, respBody: user()},
			opts: contracttest.Options{Mount: "/api"},
			want: []string{"not under the mount point"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordingTB{TB: t}
			got, resp, body := tt.call.do(t, rec, tt.opts)
			if tt.call.body != string(got) {
				t.Errorf("handler got body %q, want %q", got, tt.call.body)
			}
			if resp.StatusCode != tt.call.status {
				t.Errorf("client got status %d, want %d", resp.StatusCode, tt.call.status)
			}
			_ = body
			checkReported(t, rec.recorded(), tt.want)
		})
	}
}

func with2(h http.Header, k, v string) http.Header {
	h = h.Clone()
	h.Set(k, v)
	return h
}

// checkReported compares the reported errors with the wanted substrings.
func checkReported(t *testing.T, got, want []string) {
	t.Helper()
	for _, e := range got {
		t.Logf("reported: %s", e)
	}
	if len(got) != len(want) {
		t.Errorf("reported %d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n---\n"))
		return
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("error %d = %q, want it to contain %q", i, got[i], want[i])
		}
	}
}

// TestMiddlewareLargeBodies checks that large bodies are buffered for the
// check and reach the handler and the client unchanged.
func TestMiddlewareLargeBodies(t *testing.T) {
	users := make([]any, 1000)
	for i := range users {
		users[i] = with(user(), "id", fmt.Sprintf("usr_%d", i), "name", strings.Repeat("n", 100))
	}
	page, err := json.Marshal(userPage(users...))
	if err != nil {
		t.Fatal(err)
	}
	desc := strings.Repeat("d", 1<<20)
	reqBody := fmt.Sprintf(`{"name":"p","cluster_id":"cls_1","description":%q}`, desc)
	project := map[string]any{
		"id": "prj_1", "name": "p", "description": desc, "cluster_id": "cls_1", "deserved_gpus": 0,
		"members": []any{}, "created_at": "2025-01-15T09:30:00Z", "updated_at": "2025-01-15T09:30:00Z",
	}

	rec := &recordingTB{TB: t}
	c := call{method: "GET", path: "/v1/users?limit=100", header: bearer(), status: 200, respBody: page}
	_, _, body := c.do(t, rec, contracttest.Options{Requests: true})
	if !bytes.Equal(body, page) {
		t.Errorf("client got %d bytes, want the %d sent", len(body), len(page))
	}
	c = call{method: "POST", path: "/v1/projects", header: jsonBody(), body: reqBody, status: 201, respBody: project}
	got, _, body := c.do(t, rec, contracttest.Options{Requests: true})
	if string(got) != reqBody {
		t.Errorf("handler got %d bytes, want the %d sent", len(got), len(reqBody))
	}
	if !bytes.Contains(body, []byte(desc)) {
		t.Errorf("client got %d bytes, want the whole project", len(body))
	}
	checkReported(t, rec.recorded(), nil)
}

// TestMiddlewareImplicitStatus checks handlers that never call WriteHeader.
func TestMiddlewareImplicitStatus(t *testing.T) {
	rec := &recordingTB{TB: t}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range std() {
			w.Header()[k] = v
		}
		json.NewEncoder(w).Encode(map[string]any{"data": []any{map[string]any{"name": "admin", "description": "all"}}})
	})
	srv := httptest.NewServer(contracttest.Middleware(rec, contracttest.Options{})(h))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/roles")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	checkReported(t, rec.recorded(), nil)

	// Nothing written at all: net/http answers 200 with no body, which
	// breaks the contract (no headers, no body).
	srv2 := httptest.NewServer(contracttest.Middleware(rec, contracttest.Options{})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	defer srv2.Close()
	resp, err = http.Get(srv2.URL + "/v1/roles")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
	checkReported(t, rec.recorded(), []string{"GET /v1/roles -> 200 (listRoles): response violates"})
}

// TestTransport checks the client side: requests always, responses on demand.
func TestTransport(t *testing.T) {
	var handlerGot []byte
	srv := httptest.NewServer(call{status: 201, respBody: with(user(), "extra", true)}.handler(&handlerGot))
	defer srv.Close()

	post := func(rt http.RoundTripper, body string) []byte {
		t.Helper()
		req, err := http.NewRequest("POST", srv.URL+"/v1/users", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer sk_test_example")
		req.Header.Set("Content-Type", "application/json")
		resp, err := (&http.Client{Transport: rt}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if string(handlerGot) != body {
			t.Errorf("server got %q, want %q", handlerGot, body)
		}
		return got
	}
	good := `{"name":"Ada","email":"ada@example.com","role":"editor","send_invitation":false}`

	rec := &recordingTB{TB: t}
	if got := post(contracttest.Transport(rec, nil, contracttest.Options{}), good); !bytes.Contains(got, []byte(`"extra":true`)) {
		t.Errorf("client got %s, want the server's body", got)
	}
	checkReported(t, rec.recorded(), nil)

	rec = &recordingTB{TB: t}
	post(contracttest.Transport(rec, nil, contracttest.Options{}), `{"name":"Ada","role":"editor"}`)
	checkReported(t, rec.recorded(), []string{"POST /v1/users (createUser): request violates"})

	rec = &recordingTB{TB: t}
	post(contracttest.Transport(rec, srv.Client().Transport, contracttest.Options{Responses: true}), good)
	checkReported(t, rec.recorded(), []string{"POST /v1/users -> 201 (createUser): response violates api/openapi.yaml: response body doesn't match schema"})

	rec = &recordingTB{TB: t}
	post(contracttest.Transport(rec, nil, contracttest.Options{Responses: true, AllowUnknownFields: true}), good)
	checkReported(t, rec.recorded(), nil)
}

// TestTransportKongMount checks a Kong-style base URL at the host's root.
func TestTransportKongMount(t *testing.T) {
	var got []byte
	srv := httptest.NewServer(call{status: 200, respBody: map[string]any{"data": []any{admin()}, "next": nil}}.handler(&got))
	defer srv.Close()
	rec := &recordingTB{TB: t}
	client := &http.Client{Transport: contracttest.Transport(rec, nil, contracttest.Options{Mount: "/", Responses: true})}
	req, _ := http.NewRequest("GET", srv.URL+"/admins?size=5", nil)
	req.Header.Set("Authorization", "Bearer sk_test_example")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	checkReported(t, rec.recorded(), nil)
}

// TestMiddlewareHoldsResponse checks that the response reaches the client
// as net/http would have sent it: headers as of WriteHeader, Flush harmless.
func TestMiddlewareHoldsResponse(t *testing.T) {
	rec := &recordingTB{TB: t}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range std() {
			w.Header()[k] = v
		}
		w.WriteHeader(http.StatusOK)
		w.Header().Set("X-Late", "1") // ignored by net/http after WriteHeader
		io.WriteString(w, `{"data":[`)
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
		io.WriteString(w, `{"name":"viewer","description":"reads"}]}`)
	})
	srv := httptest.NewServer(contracttest.Middleware(rec, contracttest.Options{})(h))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/roles")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("X-Late") != "" {
		t.Errorf("X-Late set after WriteHeader reached the client")
	}
	if resp.Header.Get("X-Request-Id") != "req_test123" || !strings.HasSuffix(string(body), `"reads"}]}`) {
		t.Errorf("client got %v %s", resp.Header, body)
	}
	checkReported(t, rec.recorded(), nil)
}
