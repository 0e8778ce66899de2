package admin_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

// This file holds what a broken or hostile server can answer that the
// core's unit tests (client_test.go, errors_test.go, transport_test.go)
// do not already cover, across every service, and the caller's mistakes
// that must be caught before anything is sent.

// everyCall is one call of every service that expects a body, for tables
// that answer them all the same way. Each returns the call's result and
// error.
func everyCall(c *admin.Client) map[string]func(context.Context) (any, error) {
	bg := func(f func(ctx context.Context) (any, error)) func(context.Context) (any, error) { return f }
	return map[string]func(context.Context) (any, error){
		"Users.Get": bg(func(ctx context.Context) (any, error) { return c.Users.Get(ctx, "usr_1") }),
		"Users.Create": bg(func(ctx context.Context) (any, error) {
			return c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
		}),
		"Users.Update": bg(func(ctx context.Context) (any, error) {
			return c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Name: admin.Ptr("B")})
		}),
		"Users.List":          bg(func(ctx context.Context) (any, error) { return c.Users.List(ctx, nil) }),
		"Users.ResetPassword": bg(func(ctx context.Context) (any, error) { return c.Users.ResetPassword(ctx, "usr_1") }),
		"Roles.List":          bg(func(ctx context.Context) (any, error) { return c.Roles.List(ctx) }),
		"Groups.Get":          bg(func(ctx context.Context) (any, error) { return c.Groups.Get(ctx, "g") }),
		"Groups.List":         bg(func(ctx context.Context) (any, error) { return c.Groups.List(ctx, nil) }),
		"Groups.ListMembers":  bg(func(ctx context.Context) (any, error) { return c.Groups.ListMembers(ctx, "g", nil) }),
		"Groups.Create": bg(func(ctx context.Context) (any, error) {
			return c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "g"})
		}),
		"Groups.Update": bg(func(ctx context.Context) (any, error) {
			return c.Groups.Update(ctx, "g", &admin.UpdateGroupParams{})
		}),
		"Projects.Get":  bg(func(ctx context.Context) (any, error) { return c.Projects.Get(ctx, "prj_1") }),
		"Projects.List": bg(func(ctx context.Context) (any, error) { return c.Projects.List(ctx, nil) }),
		"Projects.Create": bg(func(ctx context.Context) (any, error) {
			return c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "p", ClusterID: "cls_1"})
		}),
		"Projects.Update": bg(func(ctx context.Context) (any, error) {
			return c.Projects.Update(ctx, "prj_1", &admin.UpdateProjectParams{Name: admin.Ptr("q")})
		}),
		"Clusters.Get":   bg(func(ctx context.Context) (any, error) { return c.Clusters.Get(ctx, "cls_1") }),
		"Clusters.List":  bg(func(ctx context.Context) (any, error) { return c.Clusters.List(ctx, nil) }),
		"AuditLogs.List": bg(func(ctx context.Context) (any, error) { return c.AuditLogs.List(ctx, nil) }),
		"Admins.List":    bg(func(ctx context.Context) (any, error) { return c.Admins.List(ctx, nil) }),
		"Admins.Get":     bg(func(ctx context.Context) (any, error) { return c.Admins.Get(ctx, "kong", nil) }),
		"Admins.Invite": bg(func(ctx context.Context) (any, error) {
			return c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "kong"})
		}),
		"Admins.Update": bg(func(ctx context.Context) (any, error) {
			return c.Admins.Update(ctx, "kong", &admin.UpdateAdminParams{CustomID: admin.Ptr("c")})
		}),
		"Admins.ListRoles":      bg(func(ctx context.Context) (any, error) { return c.Admins.ListRoles(ctx, "kong") }),
		"Admins.AddRoles":       bg(func(ctx context.Context) (any, error) { return c.Admins.AddRoles(ctx, "kong", "read-only") }),
		"Admins.ListWorkspaces": bg(func(ctx context.Context) (any, error) { return c.Admins.ListWorkspaces(ctx, "kong") }),
	}
}

// isChange reports whether a call in everyCall changes something.
func isChange(name string) bool {
	for _, verb := range []string{".Create", ".Update", ".Invite", ".AddRoles", ".ResetPassword"} {
		if strings.HasSuffix(name, verb) {
			return true
		}
	}
	return false
}

// TestMalformedSuccessBodies answers every call that expects a body with a
// successful status and a body it cannot use: each must fail with
// ErrInvalidResponse (possibly applied for a change, since the server said
// it succeeded), never panic and never return a half-filled result.
func TestMalformedSuccessBodies(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"wrong types":       `{"id": 5, "data": {"id": 1}, "meta": [], "roles": "admin", "admin": [], "status": "approved", "created_at": "yesterday", "name": 7}`,
		"null":              `null`,
		"nulls inside":      `{"id": null, "data": null, "meta": null, "admin": null, "roles": null}`,
		"error envelope":    `{"error": {"code": "not_found", "message": "No such thing.", "status": 404, "request_id": "req_x"}}`,
		"Kong error":        `{"message": "Not found"}`,
		"array of nulls":    `[null, null]`,
		"string":            `"ok"`,
		"html":              `<html><body>OK</body></html>`,
		"truncated":         `{"id": "usr_1", "na`,
		"deeply nested":     strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat(`}`, 20000),
		"invalid UTF-8 key": "{\"\xff\xfe\": 1}",
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { writeRaw(w, 200, body) })
			for call, f := range everyCall(c) {
				res, err := f(context.Background())
				if !assert.Error(t, err, "%s accepted %s", call, name) {
					continue
				}
				assert.True(t, isNil(res), "%s returned a result with its error: %#v", call, res)
				var e *admin.Error
				require.ErrorAs(t, err, &e, call)
				assert.ErrorIs(t, err, admin.ErrInvalidResponse, call)
				assert.Equal(t, isChange(call), errors.Is(err, admin.ErrPossiblyApplied), "%s: possibly applied", call)
				assert.NotContains(t, err.Error(), testKey, call)
			}
		})
	}
}

// isNil reports whether v is nil or a nil pointer, slice or map.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return rv.IsNil()
	}
	return false
}

// TestBodyWhereNoneExpectedIsAccepted answers calls that expect no body
// (204 in the contract) with 200 and JSON: the change happened, so the call
// succeeds and the body is drained, whatever it holds.
func TestBodyWhereNoneExpectedIsAccepted(t *testing.T) {
	t.Parallel()
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { writeRaw(w, 200, `{"unexpected": [1, 2, 3]}`) })
	ctx := context.Background()
	require.NoError(t, c.Users.Delete(ctx, "usr_1"))
	require.NoError(t, c.Groups.AddMember(ctx, "g", "usr_1"))
	require.NoError(t, c.Projects.RemoveMember(ctx, "prj_1", "usr_1"))
	require.NoError(t, c.Admins.RemoveRoles(ctx, "kong", "read-only"))
	require.NoError(t, c.Me.ChangePassword(ctx, "old-password", "new-password"))
}

// countingBody counts the bytes the client reads from a response body.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// countingRT counts the bytes read from every response body.
type countingRT struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil {
		resp.Body = countingBody{resp.Body, &c.n}
	}
	return resp, err
}

// TestHugeBodyOverTheWire streams 10 MB where 1 KB is expected, over a
// real connection: the client stops reading just past its limit, closes
// the connection, and fails with ErrInvalidResponse; the server's writes
// then fail instead of running to the end.
func TestHugeBodyOverTheWire(t *testing.T) {
	t.Parallel()
	const total = 10 << 20
	for _, status := range []int{200, 500} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			written := make(chan int64, 1)
			rt := &countingRT{base: http.DefaultTransport.(*http.Transport).Clone()}
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				n, _ := io.WriteString(w, `{"id": "usr_1", "name": "`)
				chunk := bytes.Repeat([]byte("x"), 32<<10)
				for n < total {
					m, err := w.Write(chunk)
					n += m
					if err != nil {
						break
					}
				}
				written <- int64(n)
			}, admin.WithMaxResponseSize(1024), admin.WithHTTPClient(&http.Client{Transport: rt}), admin.WithoutRetries())
			_, err := c.Users.Get(context.Background(), "usr_1")
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			if status == 200 {
				require.ErrorIs(t, err, admin.ErrInvalidResponse)
				assert.Less(t, rt.n.Load(), int64(128<<10), "the client read far past its 1 KB limit")
			} else {
				require.ErrorIs(t, err, admin.ErrServer)
				assert.LessOrEqual(t, rt.n.Load(), int64(1<<20+128<<10), "an error body is read through a 1 MiB limit")
			}
			assert.Less(t, len(err.Error()), 4096)
			n := <-written
			assert.Less(t, rt.n.Load(), n, "the client read all the server wrote")
			t.Logf("status %d: the server wrote %d bytes, the client read %d", status, n, rt.n.Load())
		})
	}
}

// TestBodyThatNeverEnds trickles a body with no end: the call ends with
// the caller's context, as a typed error, and is not retried.
func TestBodyThatNeverEnds(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"id": "usr_1", "name": "`)
		rc := http.NewResponseController(w)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				if _, err := io.WriteString(w, "x"); err != nil || rc.Flush() != nil {
					return
				}
			}
		}
	})
	// The deadline is what ends a body that never ends. It leaves the
	// request ample time to reach the server on a loaded machine: with
	// 150ms, CI's load sometimes ran it out before the handler was entered.
	const deadline = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	_, err := c.Users.Get(ctx, "usr_1")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, int32(1), requests.Load())

	// A change cut off mid-body was answered with success: possibly applied.
	ctx, cancel = context.WithTimeout(context.Background(), deadline)
	defer cancel()
	_, err = c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Name: admin.Ptr("B")})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorAs(t, err, &e)
}

// TestGzip answers with Content-Encoding: gzip. The Go transport asks for
// gzip and inflates it transparently; a corrupt stream is an invalid
// response, and a small stream that inflates to far more than the limit
// (a gzip bomb) is cut off at the limit.
func TestGzip(t *testing.T) {
	t.Parallel()
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		// BestCompression: Go 1.27's default level deflates the bomb to
		// more than 128 KiB (131,573 bytes; Go 1.26: 65,252).
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		return buf.Bytes()
	}
	user := `{"id": "usr_1", "name": "A", "email": "a@example.com", "role": "viewer", "status": "active"}`
	bomb := gz(append(append([]byte(`{"id": "usr_1", "name": "`), bytes.Repeat([]byte("x"), 64<<20)...), `"}`...))
	require.Less(t, len(bomb), 128<<10)
	tests := []struct {
		name string
		body []byte
		want error
	}{
		{"valid", gz([]byte(user)), nil},
		{"garbage", []byte("this is not gzip at all"), admin.ErrInvalidResponse},
		{"truncated", gz([]byte(user))[:20], admin.ErrInvalidResponse},
		{"bad checksum", func() []byte { b := gz([]byte(user)); b[len(b)-6] ^= 0xff; return b }(), admin.ErrInvalidResponse},
		{"bomb", bomb, admin.ErrInvalidResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var acceptEncoding atomic.Value
			rt := &countingRT{base: http.DefaultTransport.(*http.Transport).Clone()}
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				acceptEncoding.Store(r.Header.Get("Accept-Encoding"))
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				w.WriteHeader(200)
				_, _ = w.Write(tt.body)
			}, admin.WithMaxResponseSize(64<<10), admin.WithHTTPClient(&http.Client{Transport: rt}))
			u, err := c.Users.Get(context.Background(), "usr_1")
			assert.Equal(t, "gzip", acceptEncoding.Load(), "the transport asked for gzip itself")
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, "usr_1", u.ID)
				return
			}
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			require.ErrorIs(t, err, tt.want)
			assert.Less(t, rt.n.Load(), int64(1<<20), "inflated far past the limit")
		})
	}
}

// TestNotHTTP answers with bytes that are not HTTP, or closes the
// connection mid-headers or mid-body: each is a typed transport error,
// retried like any connection failure, possibly applied for a change.
func TestNotHTTP(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"garbage":            "SSH-2.0-OpenSSH_9.6\r\n",
		"headers cut":        "HTTP/1.1 200 OK\r\nContent-Type: appl",
		"body cut":           "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": \"usr_1\"",
		"bad status line":    "HTTP/1.1 two hundred OK\r\n\r\n",
		"bad chunk":          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
		"bad content-length": "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}",
	}
	for name, raw := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			var conns atomic.Int32
			done := make(chan struct{})
			go func() {
				defer close(done)
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					conns.Add(1)
					buf := make([]byte, 4096)
					_, _ = conn.Read(buf)
					_, _ = io.WriteString(conn, raw)
					_ = conn.Close()
				}
			}()
			t.Cleanup(func() { _ = ln.Close(); <-done })
			c, err := admin.NewClient(admin.WithBaseURL("http://"+ln.Addr().String()+"/v1"), admin.WithAPIKey(testKey),
				admin.WithRetry(admin.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}))
			require.NoError(t, err)
			_, err = c.Users.Get(context.Background(), "usr_1")
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			assert.False(t, errors.Is(err, admin.ErrPossiblyApplied))
			assert.NotContains(t, err.Error(), testKey)

			_, err = c.Users.Update(context.Background(), "usr_1", &admin.UpdateUserParams{Name: admin.Ptr("B")})
			require.ErrorAs(t, err, &e)
			assert.ErrorIs(t, err, admin.ErrPossiblyApplied, "the request was sent and no answer came back")
		})
	}
}

// TestCallerMistakesNeverReachTheServer makes the caller's mistakes on
// every service (empty ids, invalid emails, empty roles, page sizes out
// of range, a nil context, missing params) against admintest: each fails
// with ErrInvalidParams and not one request reaches the server.
func TestCallerMistakesNeverReachTheServer(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := context.Background()
	var nilCtx context.Context
	first := func(seq func(func(any, error) bool)) error {
		for _, err := range seq {
			return err
		}
		return nil
	}
	all := func(f func(yield func(any, error) bool)) func() error { return func() error { return first(f) } }
	tests := map[string]func() error{
		// Users.
		"Users.Get empty id":      func() error { _, err := c.Users.Get(ctx, ""); return err },
		"Users.Get nil ctx":       func() error { _, err := c.Users.Get(nilCtx, "usr_1"); return err },
		"Users.Update blank id":   func() error { _, err := c.Users.Update(ctx, "  ", &admin.UpdateUserParams{}); return err },
		"Users.Update nil params": func() error { _, err := c.Users.Update(ctx, "usr_1", nil); return err },
		"Users.Update empty role": func() error {
			_, err := c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Role: admin.Ptr(admin.Role(""))})
			return err
		},
		"Users.Delete dot id":          func() error { return c.Users.Delete(ctx, "..") },
		"Users.Logout empty id":        func() error { return c.Users.Logout(ctx, "") },
		"Users.ResetPassword empty id": func() error { _, err := c.Users.ResetPassword(ctx, ""); return err },
		"Users.Create bad email": func() error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "a@", Role: admin.RoleViewer})
			return err
		},
		"Users.List limit -1":  func() error { _, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: -1}); return err },
		"Users.List limit 101": func() error { _, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: 101}); return err },
		"Users.All limit 1000": all(func(y func(any, error) bool) {
			seqAny(c.Users.All(ctx, &admin.ListUsersParams{Limit: 1000}), y)
		}),
		"Users.All nil ctx": all(func(y func(any, error) bool) { seqAny(c.Users.All(nilCtx, nil), y) }),
		// Roles and me.
		"Roles.List nil ctx":           func() error { _, err := c.Roles.List(nilCtx); return err },
		"Me.ChangePassword no current": func() error { return c.Me.ChangePassword(ctx, "", "long-enough-password") },
		"Me.ChangePassword short":      func() error { return c.Me.ChangePassword(ctx, "current", "short") },
		"Me.ChangePassword nil ctx":    func() error { return c.Me.ChangePassword(nilCtx, "current", "long-enough-password") },
		// Groups.
		"Groups.Get empty name":  func() error { _, err := c.Groups.Get(ctx, ""); return err },
		"Groups.Create nil":      func() error { _, err := c.Groups.Create(ctx, nil); return err },
		"Groups.Create dot name": func() error { _, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "."}); return err },
		"Groups.Create empty role": func() error {
			_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "g", Roles: []admin.Role{""}})
			return err
		},
		"Groups.Update empty role": func() error {
			_, err := c.Groups.Update(ctx, "g", &admin.UpdateGroupParams{Roles: []admin.Role{""}})
			return err
		},
		"Groups.Update nil params":       func() error { _, err := c.Groups.Update(ctx, "g", nil); return err },
		"Groups.Delete empty name":       func() error { return c.Groups.Delete(ctx, "") },
		"Groups.AddMember empty user":    func() error { return c.Groups.AddMember(ctx, "g", "") },
		"Groups.RemoveMember empty name": func() error { return c.Groups.RemoveMember(ctx, "", "usr_1") },
		"Groups.List limit 101":          func() error { _, err := c.Groups.List(ctx, &admin.ListGroupsParams{Limit: 101}); return err },
		"Groups.ListMembers limit -5": func() error {
			_, err := c.Groups.ListMembers(ctx, "g", &admin.ListGroupMembersParams{Limit: -5})
			return err
		},
		"Groups.AllMembers empty name": all(func(y func(any, error) bool) { seqAny(c.Groups.AllMembers(ctx, "", nil), y) }),
		"Groups.All nil ctx":           all(func(y func(any, error) bool) { seqAny(c.Groups.All(nilCtx, nil), y) }),
		// Projects and clusters.
		"Projects.Get empty id": func() error { _, err := c.Projects.Get(ctx, ""); return err },
		"Projects.Create nil":   func() error { _, err := c.Projects.Create(ctx, nil); return err },
		"Projects.Create no cluster": func() error {
			_, err := c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "p"})
			return err
		},
		"Projects.Create negative GPUs": func() error {
			_, err := c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "p", ClusterID: "cls_1", DeservedGPUs: -1})
			return err
		},
		"Projects.Create empty member": func() error {
			_, err := c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "p", ClusterID: "cls_1", Members: []string{""}})
			return err
		},
		"Projects.Update empty name": func() error {
			_, err := c.Projects.Update(ctx, "prj_1", &admin.UpdateProjectParams{Name: admin.Ptr("")})
			return err
		},
		"Projects.Delete empty id":      func() error { return c.Projects.Delete(ctx, "") },
		"Projects.AddMember empty user": func() error { return c.Projects.AddMember(ctx, "prj_1", "") },
		"Projects.RemoveMember dot id":  func() error { return c.Projects.RemoveMember(ctx, "..", "usr_1") },
		"Projects.List limit 101":       func() error { _, err := c.Projects.List(ctx, &admin.ListProjectsParams{Limit: 101}); return err },
		"Projects.All nil ctx":          all(func(y func(any, error) bool) { seqAny(c.Projects.All(nilCtx, nil), y) }),
		"Clusters.Get empty id":         func() error { _, err := c.Clusters.Get(ctx, ""); return err },
		"Clusters.List limit 101":       func() error { _, err := c.Clusters.List(ctx, &admin.ListClustersParams{Limit: 101}); return err },
		"Clusters.All nil ctx":          all(func(y func(any, error) bool) { seqAny(c.Clusters.All(nilCtx, nil), y) }),
		// Audit logs.
		"AuditLogs.List limit 101": func() error { _, err := c.AuditLogs.List(ctx, &admin.ListAuditLogsParams{Limit: 101}); return err },
		"AuditLogs.List end before start": func() error {
			now := time.Now()
			_, err := c.AuditLogs.List(ctx, &admin.ListAuditLogsParams{StartTime: now, EndTime: now.Add(-time.Hour)})
			return err
		},
		"AuditLogs.All nil ctx": all(func(y func(any, error) bool) { seqAny(c.AuditLogs.All(nilCtx, nil), y) }),
		// Admins.
		"Admins.Get empty":          func() error { _, err := c.Admins.Get(ctx, "", nil); return err },
		"Admins.Invite nil":         func() error { _, err := c.Admins.Invite(ctx, nil); return err },
		"Admins.Invite no username": func() error { _, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{}); return err },
		"Admins.Invite bad email": func() error {
			_, err := c.Admins.Invite(ctx, &admin.InviteAdminParams{Username: "u", Email: "not-an-email"})
			return err
		},
		"Admins.Update bad email": func() error {
			_, err := c.Admins.Update(ctx, "kong", &admin.UpdateAdminParams{Email: admin.Ptr("x")})
			return err
		},
		"Admins.Delete empty": func() error { return c.Admins.Delete(ctx, "") },
		"Admins.Register no password": func() error {
			return c.Admins.Register(ctx, &admin.RegisterAdminParams{Token: "t", Username: "u", Email: "u@example.com"})
		},
		"Admins.RequestPasswordReset bad email": func() error { return c.Admins.RequestPasswordReset(ctx, "nobody") },
		"Admins.ResetPassword no token": func() error {
			return c.Admins.ResetPassword(ctx, &admin.ResetAdminPasswordParams{Email: "u@example.com", Password: "pw-0123456"})
		},
		"Admins.AddRoles none":      func() error { _, err := c.Admins.AddRoles(ctx, "kong"); return err },
		"Admins.AddRoles comma":     func() error { _, err := c.Admins.AddRoles(ctx, "kong", "a,b"); return err },
		"Admins.RemoveRoles empty":  func() error { return c.Admins.RemoveRoles(ctx, "kong", "") },
		"Admins.ListRoles empty":    func() error { _, err := c.Admins.ListRoles(ctx, ""); return err },
		"Admins.ListWorkspaces dot": func() error { _, err := c.Admins.ListWorkspaces(ctx, "."); return err },
		"Admins.List size 1001":     func() error { _, err := c.Admins.List(ctx, &admin.ListAdminsParams{Size: 1001}); return err },
		"Admins.All nil ctx":        all(func(y func(any, error) bool) { seqAny(c.Admins.All(nilCtx, nil), y) }),
	}
	for name, f := range tests {
		err := f()
		require.ErrorIs(t, err, admin.ErrInvalidParams, name)
		var pe *admin.ParamError
		require.ErrorAs(t, err, &pe, name)
		assert.NotEmpty(t, pe.Field, name)
	}
	assert.Empty(t, srv.Requests(), "a caller's mistake reached the server")
}
