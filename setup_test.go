package admin_test

// The tests of this package start a server through one of two harnesses.
//
//   - setup runs admintest, the whole API in memory, with every request and
//     response checked against api/openapi.yaml. Use it for flows: anything
//     a real server could answer, where what matters is the result of a
//     sequence of calls, not the bytes of one exchange.
//
//   - serve runs an http.HandlerFunc the test provides. Use it for the wire
//     (the exact request a call sends, the exact answer it decodes) and for
//     what admintest will never send: malformed bodies, hostile headers,
//     dropped connections, retry sequences. The handler is written inline or
//     built here: script (replies in order), respond (replies computed from
//     the request) and fixed (one reply for all) record every request for
//     the test to check. Files add their own builders on top: pagesOf
//     (pagination_test.go) serves a cursor-paged list, echoing
//     (secrets_test.go) echoes credentials into every error, authServer
//     (auth_test.go) is an OAuth token endpoint in front of an API.
//
// setup's client is admintest's admin. serve's client authenticates with
// testKey unless the test's options give another credential (options apply
// in order, and a later credential replaces an earlier one), retries
// quickly (fastRetry) and keeps the SDK's default rate limiter. A test that
// checks one request against one reply passes oneShot(), so that a failed
// reply is never asked for twice. A test that needs a client serve cannot
// make (no credential at all, say) takes only the server from serve.
//
// A client that talks to no server, with a RoundTripper in place of the
// network (fuzzClient in fuzz_test.go, for the fuzzer), is a layer below
// both harnesses and is made with admin.NewClient directly.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/internal/contracttest"
)

// testKey is the API key the clients of both harnesses authenticate with.
const testKey = "sk_test_0123456789abcdefSECRET"

// setup starts an admintest server whose every request and response is
// validated against api/openapi.yaml, and returns it with a client
// authenticated as its admin. Both are closed when the test ends.
func setup(t *testing.T, opts ...admintest.Option) (*admintest.Server, *admin.Client) {
	t.Helper()
	mw := admintest.WithMiddleware(contracttest.Middleware(t, contracttest.Options{Requests: true}))
	srv := admintest.NewServer(append([]admintest.Option{mw}, opts...)...)
	t.Cleanup(srv.Close)
	return srv, srv.Client(admin.WithRetry(admin.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 50 * time.Millisecond}))
}

// serve starts an httptest server running h and returns it with a client
// that talks to it under /v1 with testKey and fastRetry. opts are applied
// after those. Both are closed when the test ends.
func serve(t *testing.T, h http.HandlerFunc, opts ...admin.Option) (*httptest.Server, *admin.Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	base := []admin.Option{admin.WithBaseURL(srv.URL + "/v1"), admin.WithAPIKey(testKey), admin.WithRetry(fastRetry())}
	c, err := admin.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return srv, c
}

// fastRetry is a retry policy with millisecond waits, so that retry tests
// run quickly.
func fastRetry() admin.RetryPolicy {
	return admin.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}
}

// oneShot returns the options of a client that makes exactly one attempt
// per call and has no rate limiter, followed by opts: each reply of a
// script then answers exactly one call.
func oneShot(opts ...admin.Option) []admin.Option {
	return append([]admin.Option{admin.WithoutRetries(), admin.WithoutRateLimit()}, opts...)
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if w.Header().Get("X-Request-Id") == "" {
		w.Header().Set("X-Request-Id", "req_test")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeRaw answers status with body as it is.
func writeRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// wireRequest is one request a scripted handler received.
type wireRequest struct {
	Method   string
	Path     string // escaped, as sent
	Query    url.Values
	RawQuery string
	Body     string
	Header   http.Header
}

// reply is a status and a JSON body; an empty Body sends no body.
type reply struct {
	Status int
	Body   string
}

// scripted is a handler that answers each request with the reply respond
// makes of it, and keeps every request for the test.
type scripted struct {
	t       *testing.T
	respond func(wireRequest) reply
	mu      sync.Mutex
	reqs    []wireRequest
	read    int // how many of reqs next has handed out
}

// script answers the requests with replies, one each, in order. A request
// beyond the script gets 418, which fails the call that sent it.
func script(t *testing.T, replies ...reply) *scripted {
	var mu sync.Mutex
	return respond(t, func(wireRequest) reply {
		mu.Lock()
		defer mu.Unlock()
		if len(replies) == 0 {
			return reply{http.StatusTeapot, `{"message": "the test did not expect this request"}`}
		}
		rp := replies[0]
		replies = replies[1:]
		return rp
	})
}

// respond answers every request with the reply f makes of it.
func respond(t *testing.T, f func(wireRequest) reply) *scripted {
	return &scripted{t: t, respond: f}
}

// fixed answers every request with status and body.
func fixed(t *testing.T, status int, body string) *scripted {
	return respond(t, func(wireRequest) reply { return reply{status, body} })
}

func (r *scripted) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	q := wireRequest{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.Query(), RawQuery: req.URL.RawQuery,
		Body: string(b), Header: req.Header.Clone()}
	r.mu.Lock()
	r.reqs = append(r.reqs, q)
	r.mu.Unlock()
	rp := r.respond(q)
	w.Header().Set("X-Request-Id", "req_test")
	if rp.Body != "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(rp.Status)
	_, _ = io.WriteString(w, rp.Body)
}

// requests returns a copy of every request received so far.
func (r *scripted) requests() []wireRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]wireRequest(nil), r.reqs...)
}

// next returns the first request next has not returned yet. The call that
// sent it has returned, so the request is already there if it was sent at
// all.
func (r *scripted) next() wireRequest {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.read == len(r.reqs) {
		r.t.Fatal("no request reached the server")
	}
	r.read++
	return r.reqs[r.read-1]
}

// none checks that no request reached the server beyond those next
// returned.
func (r *scripted) none() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range r.reqs[r.read:] {
		r.t.Errorf("unexpected request %s %s", q.Method, q.Path)
	}
}

// expect checks that the next request is method on path with the given
// query (nil: none) and JSON body ("": none).
func (r *scripted) expect(method, path string, query url.Values, body string) wireRequest {
	r.t.Helper()
	q := r.next()
	assert.Equal(r.t, method, q.Method)
	assert.Equal(r.t, path, q.Path)
	if query == nil {
		query = url.Values{}
	}
	assert.Equal(r.t, query, q.Query)
	if body == "" {
		assert.Empty(r.t, q.Body)
	} else if assert.NotEmpty(r.t, q.Body) {
		assert.JSONEq(r.t, body, q.Body)
		assert.Equal(r.t, "application/json", q.Header.Get("Content-Type"))
	}
	return q
}
