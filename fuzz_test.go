package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	admin "github.com/admin/api-go"
)

// These fuzz targets drive the client's public calls with a RoundTripper
// that answers whatever the fuzzer made up, so every byte goes through the
// real request path: send, the bounded reader, the decoders and the
// pager's checks. No network is used.

// fuzzBase is the base URL the fuzzed clients talk to.
const fuzzBase = "https://api.admin.test/v1"

// cannedRT answers every request with the same status, headers and body,
// and hands each request to seen.
type cannedRT struct {
	status int
	header http.Header
	body   []byte
	mu     sync.Mutex
	reqs   []*http.Request
}

func (c *cannedRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, r)
	c.mu.Unlock()
	h := c.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: c.status, Header: h, Body: io.NopCloser(bytes.NewReader(c.body)),
		ContentLength: int64(len(c.body)), Request: r}, nil
}

// watchdog panics, with every goroutine's stack, when one fuzz input takes
// longer than a few seconds. A hang then crashes the fuzz worker, and the go
// tool saves the input that caused it, rather than the run ending in a bare
// "context deadline exceeded" with no input to replay.
func watchdog(t *testing.T, input any) {
	t.Helper()
	timer := time.AfterFunc(10*time.Second, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("fuzz input %q still running after 10s:\n%s", input, buf))
	})
	t.Cleanup(func() { timer.Stop() })
}

func fuzzClient(t *testing.T, rt http.RoundTripper, opts ...admin.Option) *admin.Client {
	t.Helper()
	c, err := admin.NewClient(append([]admin.Option{admin.WithBaseURL(fuzzBase), admin.WithAPIKey(testKey),
		admin.WithHTTPClient(&http.Client{Transport: rt}), admin.WithoutRetries(), admin.WithoutRateLimit(),
		admin.WithMaxResponseSize(1 << 20)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sentinelFor is the sentinel error an *admin.Error with status must match.
func sentinelFor(status int) error {
	switch {
	case status == 400 || status == 413 || status == 422:
		return admin.ErrBadRequest
	case status == 401:
		return admin.ErrUnauthorized
	case status == 403:
		return admin.ErrForbidden
	case status == 404:
		return admin.ErrNotFound
	case status == 409:
		return admin.ErrConflict
	case status == 429:
		return admin.ErrRateLimited
	case status >= 500:
		return admin.ErrServer
	}
	return nil
}

// FuzzErrorResponse checks that any error answer (status 300 to 599, any
// body, any Retry-After) becomes an *admin.Error that matches the sentinel
// of its status, says possibly applied exactly for a change answered 500,
// 502 or 504, and never prints the API key even when the body echoes it.
func FuzzErrorResponse(f *testing.F) {
	f.Add(404, []byte(`{"error": {"code": "not_found", "message": "No such user.", "status": 404, "request_id": "req_1"}}`), "", 0)
	f.Add(429, []byte(`{"error": {"code": "rate_limited", "message": "slow down"}}`), "30", 0)
	f.Add(503, []byte(`<html>503</html>`), "Wed, 21 Oct 2015 07:28:00 GMT", 3)
	f.Add(409, []byte(`{"code": 5, "name": "unique constraint violation", "message": "exists: ", "fields": {"email": "taken"}}`), "", 33)
	f.Add(400, []byte(`{"code": 400, "message": "Required parameter is missing: "}`), "-1", 33)
	f.Add(500, []byte(`{"error": {"message": "you sent Bearer "}}`), "", 36)
	f.Add(502, []byte{0xff, 0xfe, 0x00}, "1e9", 1)
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter string, echoAt int) {
		watchdog(t, [4]any{status, body, retryAfter, echoAt})
		if status < 0 {
			status = -status
		}
		status = 300 + status%300
		// The server echoes the key somewhere in its body.
		if echoAt < 0 {
			echoAt = -echoAt
		}
		echoAt %= len(body) + 1
		echoed := append(append(append([]byte{}, body[:echoAt]...), testKey...), body[echoAt:]...)
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		rt := &cannedRT{status: status, header: h, body: echoed}
		c := fuzzClient(t, rt)
		for _, method := range []string{http.MethodGet, http.MethodDelete} {
			var err error
			if method == http.MethodGet {
				_, err = c.Users.Get(context.Background(), "usr_1")
			} else {
				err = c.Users.Delete(context.Background(), "usr_1")
			}
			var e *admin.Error
			if !errors.As(err, &e) {
				t.Fatalf("%d %q: %T %v, want *admin.Error", status, body, err, err)
			}
			if e.StatusCode != status || e.Attempts != 1 || e.RetryAfter < 0 {
				t.Fatalf("%d: %+v", status, e)
			}
			if s := sentinelFor(status); s != nil && !errors.Is(err, s) {
				t.Fatalf("%d: %v does not match %v", status, err, s)
			}
			if errors.Is(err, admin.ErrInvalidResponse) {
				t.Fatalf("%d: an error answer is not an invalid response", status)
			}
			wantPA := method == http.MethodDelete && (status == 500 || status == 502 || status == 504)
			if errors.Is(err, admin.ErrPossiblyApplied) != wantPA {
				t.Fatalf("%s answered %d: possibly applied %v, want %v", method, status, !wantPA, wantPA)
			}
			msg := err.Error()
			if strings.Contains(msg, testKey) || strings.Contains(e.Message, testKey) {
				t.Fatalf("the key leaked: %q", msg)
			}
		}
	})
}

// FuzzUsersPage checks cursor pages: any body answered with 200 gives a
// page or an error matching ErrInvalidResponse, never a panic; a page that
// has more always has a cursor, a last page never has one; every item has
// an id; and an iteration over a server that answers the same page forever
// yields no item twice and stops.
func FuzzUsersPage(f *testing.F) {
	f.Add([]byte(`{"data": [{"id": "usr_1", "email": "a@example.com"}], "meta": {"next_cursor": "c1", "has_more": true}}`))
	f.Add([]byte(`{"data": [{"id": "usr_1"}, {"id": "usr_1"}], "meta": {"next_cursor": null, "has_more": false}}`))
	f.Add([]byte(`{"data": [], "meta": {"next_cursor": "", "has_more": true}}`))
	f.Add([]byte(`{"data": [{"id": ""}], "meta": {"has_more": false}}`))
	f.Add([]byte(`{"data": null, "meta": null}`))
	f.Add([]byte(`{"data": [{"id": 5}], "meta": {"has_more": "yes"}}`))
	f.Add([]byte(`{"data": [{"id": "usr_1", "created_at": "not a time"}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		watchdog(t, body)
		rt := &cannedRT{status: 200, body: body}
		c := fuzzClient(t, rt)
		pg, err := c.Users.List(context.Background(), &admin.ListUsersParams{Limit: 10})
		if err != nil {
			if !errors.Is(err, admin.ErrInvalidResponse) || errors.Is(err, admin.ErrPossiblyApplied) {
				t.Fatalf("%q: %v", body, err)
			}
		} else {
			if pg.HasMore == (pg.NextCursor == "") {
				t.Fatalf("%q: more %v with cursor %q", body, pg.HasMore, pg.NextCursor)
			}
			for _, u := range pg.Data {
				if u.ID == "" {
					t.Fatalf("%q: an item without id", body)
				}
			}
		}
		seen := map[string]bool{}
		n := 0
		for u, err := range c.Users.All(context.Background(), nil) {
			if n++; n > 10000 {
				t.Fatalf("%q: the iteration does not stop", body)
			}
			if err != nil {
				if !errors.Is(err, admin.ErrInvalidResponse) {
					t.Fatalf("%q: %v", body, err)
				}
				continue
			}
			if seen[u.ID] {
				t.Fatalf("%q: %s yielded twice", body, u.ID)
			}
			seen[u.ID] = true
		}
		if len(rt.reqs) > 3 {
			t.Fatalf("%q: %d requests for a page that never changes", body, len(rt.reqs))
		}
	})
}

// FuzzAdminsPage checks Kong pages and their next links: whatever next
// says (another host, another path, no offset, not a URL), the client takes
// only the offset from it and asks its own base URL for the next page, and
// a page it accepts has more exactly when it has an offset.
func FuzzAdminsPage(f *testing.F) {
	admin1 := `{"id": "a1", "username": "kong", "status": 0, "created_at": 1556638385, "updated_at": 1.556638385e+09}`
	f.Add([]byte(`{"data": [`+admin1+`], "next": "/v1/admins?offset=WyJhIl0&size=1", "offset": "WyJhIl0"}`), "")
	f.Add([]byte(`{"data": [`+admin1+`], "next": null}`), "https://evil.example/steal?offset=x")
	f.Add([]byte(`{"data": [], "offset": "o"}`), "/admins?size=1")
	f.Add([]byte(`{"data": [{"id": "a1"}]}`), "%zz")
	f.Add([]byte(`{"data": [`+admin1+`, `+admin1+`]}`), "//other.example/v1/admins?offset=y")
	f.Add([]byte(`{"data": [{"id": "a2", "status": 4, "created_at": -1}]}`), "http://[::1]:x/?offset=1")
	f.Add([]byte(`{"data": [{"id": "a2", "status": 4, "created_at": "1556638385"}], "next": 7}`), "")
	f.Fuzz(func(t *testing.T, body []byte, next string) {
		watchdog(t, [2]any{body, next})
		// Put next into the body when the body is an object.
		var m map[string]any
		if next != "" && json.Unmarshal(body, &m) == nil && m != nil {
			m["next"] = next
			delete(m, "offset")
			if b, err := json.Marshal(m); err == nil {
				body = b
			}
		}
		rt := &cannedRT{status: 200, body: body}
		c := fuzzClient(t, rt)
		pg, err := c.Admins.List(context.Background(), &admin.ListAdminsParams{Size: 5})
		if err != nil {
			if !errors.Is(err, admin.ErrInvalidResponse) {
				t.Fatalf("%q: %v", body, err)
			}
		} else if pg.HasMore == (pg.NextCursor == "") {
			t.Fatalf("%q: more %v with offset %q", body, pg.HasMore, pg.NextCursor)
		}
		seen := map[string]bool{}
		n := 0
		for a, err := range c.Admins.All(context.Background(), nil) {
			if n++; n > 10000 {
				t.Fatalf("%q: the iteration does not stop", body)
			}
			if err != nil {
				continue
			}
			if seen[a.ID] {
				t.Fatalf("%q: %s yielded twice", body, a.ID)
			}
			seen[a.ID] = true
		}
		for _, r := range rt.reqs {
			if r.URL.Scheme != "https" || r.URL.Host != "api.admin.test" || r.URL.Path != "/v1/admins" {
				t.Fatalf("%q: a request went to %s", body, r.URL)
			}
			if r.Header.Get("Authorization") != "Bearer "+testKey {
				t.Fatalf("%q: a request without the key", body)
			}
		}
	})
}
