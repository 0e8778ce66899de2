package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

// testUser is a user as the server sends it.
func testUser(id string) map[string]any {
	return map[string]any{"id": id, "name": "Ada " + id, "email": id + "@example.com", "role": "viewer", "status": "active",
		"groups": []string{}, "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:04:05Z", "last_login_at": nil}
}

// dropConn hijacks the connection of r and closes it without answering:
// the server got the request, the client gets no response.
func dropConn(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if !assert.NoError(t, err) {
		return
	}
	_ = conn.Close()
}

// recorder is a slog.Handler that keeps every record.
type recorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec.Clone())
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

// attrs returns each record's attributes as strings.
func (r *recorder) attrs() []map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]string
	for _, rec := range r.records {
		m := map[string]string{"msg": rec.Message, "level": rec.Level.String()}
		rec.Attrs(func(a slog.Attr) bool {
			m[a.Key] = a.Value.Resolve().String()
			return true
		})
		out = append(out, m)
	}
	return out
}

func TestPathEscaping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id, want string
	}{
		{"usr_1", "/v1/users/usr_1"},
		{"../admins", "/v1/users/..%2Fadmins"},
		{"a/b", "/v1/users/a%2Fb"},
		{"a?b", "/v1/users/a%3Fb"},
		{"a#b", "/v1/users/a%23b"},
		{"a%2Fb", "/v1/users/a%252Fb"},
		{"a b", "/v1/users/a%20b"},
		{"üser", "/v1/users/%C3%BCser"},
		{"a;b", "/v1/users/a%3Bb"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			got := make(chan string, 1)
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				got <- r.RequestURI
				writeJSON(w, 200, testUser("usr_1"))
			})
			_, err := c.Users.Get(context.Background(), tt.id)
			require.NoError(t, err)
			assert.Equal(t, tt.want, <-got)
		})
	}
}

func TestErrorPathEscaped(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { writeRaw(w, 404, `{}`) }, admin.WithLogger(slog.New(rec)))
	_, err := c.Users.Get(context.Background(), "a/b c")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "/v1/users/a%2Fb%20c", e.Path, "the path as sent, not a different one")
	assert.Equal(t, "/v1/users/a%2Fb%20c", rec.attrs()[0]["path"])
}

func TestPathRefused(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		writeJSON(w, 200, testUser("usr_1"))
	})
	for _, id := range []string{"", " ", ".", "..", "a\nb", "a\x00b", "a\x7fb", "a\tb"} {
		_, err := c.Users.Get(context.Background(), id)
		require.ErrorIs(t, err, admin.ErrInvalidParams, "id %q", id)
		var pe *admin.ParamError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "id", pe.Field)
		require.ErrorIs(t, c.Users.Delete(context.Background(), id), admin.ErrInvalidParams)
	}
	assert.Zero(t, requests.Load())
}

func TestValidation(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		writeJSON(w, 200, testUser("usr_1"))
	})
	ctx := context.Background()
	var nilCtx context.Context
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"create nil", func() error { _, err := c.Users.Create(ctx, nil); return err }, "params"},
		{"create no name", func() error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Email: "a@example.com", Role: admin.RoleViewer})
			return err
		}, "Name"},
		{"create bad email", func() error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "not an email", Role: admin.RoleViewer})
			return err
		}, "Email"},
		{"create display-name email", func() error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "A <a@example.com>", Role: admin.RoleViewer})
			return err
		}, "Email"},
		{"create no role", func() error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "a@example.com"})
			return err
		}, "Role"},
		{"list limit 101", func() error { _, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: 101}); return err }, "Limit"},
		{"list limit -1", func() error { _, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: -1}); return err }, "Limit"},
		{"all limit 101", func() error {
			for _, err := range c.Users.All(ctx, &admin.ListUsersParams{Limit: 101}) {
				return err
			}
			return nil
		}, "Limit"},
		{"update empty name", func() error {
			_, err := c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Name: admin.Ptr("")})
			return err
		}, "Name"},
		{"update empty status", func() error {
			_, err := c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Status: admin.Ptr(admin.UserStatus(""))})
			return err
		}, "Status"},
		{"nil context get", func() error { _, err := c.Users.Get(nilCtx, "usr_1"); return err }, "ctx"},
		{"nil context create", func() error {
			_, err := c.Users.Create(nilCtx, &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
			return err
		}, "ctx"},
		{"nil context list", func() error { _, err := c.Users.List(nilCtx, nil); return err }, "ctx"},
		{"nil context all", func() error {
			for _, err := range c.Users.All(nilCtx, nil) {
				return err
			}
			return nil
		}, "ctx"},
		{"idempotency key with newline", func() error {
			return c.Users.Delete(admin.WithIdempotencyKey(ctx, "k\r\nX-Injected: 1"), "usr_1")
		}, "idempotency key"},
		{"idempotency key too long", func() error {
			return c.Users.Delete(admin.WithIdempotencyKey(ctx, strings.Repeat("k", 256)), "usr_1")
		}, "idempotency key"},
	}
	for _, tt := range tests {
		err := tt.call()
		require.ErrorIs(t, err, admin.ErrInvalidParams, tt.name)
		var pe *admin.ParamError
		require.ErrorAs(t, err, &pe, tt.name)
		assert.Equal(t, tt.field, pe.Field, tt.name)
		assert.Contains(t, err.Error(), tt.field, tt.name)
	}
	assert.Zero(t, requests.Load(), "no request may be sent for invalid parameters")
}

func TestSuccessBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		handle http.HandlerFunc
	}{
		{"cut short", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, `{"id": "usr_1", "name":`) }},
		{"garbage inside", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, `{"id": "usr_1", "name": x}`) }},
		{"wrong type", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, `{"id": 5}`) }},
		{"array", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, `[]`) }},
		{"null", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, `null`) }},
		{"null padded", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, " null\n") }},
		{"trailing garbage", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, `{"id": "usr_1"} {"id": "usr_2"}`) }},
		{"204", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }},
		{"empty 200", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }},
		{"empty chunked", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(200)
			http.NewResponseController(w).Flush()
		}},
		{"whitespace", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "  \n") }},
		{"too large", func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, `{"id": "usr_1", "name": "`+strings.Repeat("x", 4096)+`"}`)
		}},
		{"too large chunked", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"id": "usr_1", "name": "`)
			for range 8 {
				_, _ = io.WriteString(w, strings.Repeat("x", 512))
				http.NewResponseController(w).Flush()
			}
			_, _ = io.WriteString(w, `"}`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, c := serve(t, tt.handle, admin.WithMaxResponseSize(1024))
			_, err := c.Users.Get(context.Background(), "usr_1")
			require.ErrorIs(t, err, admin.ErrInvalidResponse)
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			if tt.name == "cut short" { // the body ends too early, so the GET is asked again
				assert.Equal(t, fastRetry().MaxRetries+1, e.Attempts, "a body cut short is retried")
			} else {
				assert.Equal(t, 1, e.Attempts, "a whole but wrong body is not retried")
			}
			assert.False(t, e.PossiblyApplied, "a GET changes nothing")
			assert.NotErrorIs(t, err, admin.ErrServer)
		})
	}
}

func TestSuccessBodyAtTheLimit(t *testing.T) {
	t.Parallel()
	body, err := json.Marshal(testUser("usr_1"))
	require.NoError(t, err)
	_, c := serve(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, string(body)) },
		admin.WithMaxResponseSize(int64(len(body))))
	u, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, "usr_1", u.ID)
}

func TestMutationAnsweredWithBadBodyIsPossiblyApplied(t *testing.T) {
	t.Parallel()
	_, c := serve(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 201, `{"id":`) })
	_, err := c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
	require.ErrorIs(t, err, admin.ErrInvalidResponse)
	require.ErrorIs(t, err, admin.ErrPossiblyApplied, "the server said it applied the change")
}

func TestNoBodyWhereNoneIsExpected(t *testing.T) {
	t.Parallel()
	_, c := serve(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
	require.NoError(t, c.Users.Delete(context.Background(), "usr_1"))
	require.NoError(t, c.Users.Logout(context.Background(), "usr_1"))
}

func TestResetPasswordWithoutPassword(t *testing.T) {
	t.Parallel()
	_, c := serve(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, `{}`) })
	_, err := c.Users.ResetPassword(context.Background(), "usr_1")
	require.ErrorIs(t, err, admin.ErrInvalidResponse)
}

func TestLogging(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	rec := &recorder{}
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("X-Request-Id", "req_first")
			w.Header().Set("Connection", "close") // so that the next attempt's drop is not retried by net/http
			writeRaw(w, 503, `{}`)
		case 2:
			dropConn(t, w)
		default:
			w.Header().Set("X-Request-Id", "req_last")
			writeJSON(w, 200, map[string]any{"data": []any{}, "meta": map[string]any{"has_more": false}})
		}
	}, admin.WithLogger(slog.New(rec)))
	_, err := c.Users.List(context.Background(), &admin.ListUsersParams{Query: "needle-in-query", Limit: 5})
	require.NoError(t, err)

	logs := rec.attrs()
	require.Len(t, logs, 3, "one record per attempt")
	for i, l := range logs {
		assert.Equal(t, "DEBUG", l["level"])
		assert.Equal(t, "GET", l["method"])
		assert.Equal(t, "/v1/users", l["path"])
		assert.Equal(t, fmt.Sprint(i+1), l["attempt"])
		assert.Contains(t, l, "duration")
		for k, v := range l {
			assert.NotContains(t, v, testKey, k)
			assert.NotContains(t, v, "needle-in-query", "query string logged in %s", k)
			assert.NotContains(t, v, "limit=", "query string logged in %s", k)
		}
	}
	assert.Equal(t, "503", logs[0]["status"])
	assert.Equal(t, "req_first", logs[0]["request_id"])
	assert.Contains(t, logs[1], "error")
	assert.Equal(t, "200", logs[2]["status"])
	assert.Equal(t, "req_last", logs[2]["request_id"])
}

func TestLoggingOffBelowDebug(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	_, c := serve(t, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, testUser("usr_1")) }, admin.WithLogger(l))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Empty(t, buf.String())
}

func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	c, err := admin.NewClient(admin.WithAPIKey(testKey), admin.WithHeader("Kong-Admin-Token", "kong-token-secret"),
		admin.WithClientCredentials("id", "client-secret-value", ""))
	require.NoError(t, err)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("client", "c", c, "cv", *c)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("client", "c", c)
	out := fmt.Sprintf("%v %+v %#v %s %v %+v %#v", c, *c, c, c, []*admin.Client{c}, struct{ C *admin.Client }{c}, *c) + buf.String()
	// A verb that does not fit a pointer field makes fmt print what it
	// points to.
	for _, verb := range []string{"%s", "%q", "%d", "%x", "%t", "%9.3f"} {
		out += fmt.Sprintf(verb, *c) + fmt.Sprintf(verb, []admin.Client{*c})
	}
	for _, s := range []string{testKey, "kong-token-secret", "client-secret-value"} {
		assert.NotContains(t, out, s)
	}
	assert.Contains(t, c.String(), "https://api.admin.com/v1/")
}

func TestSecretType(t *testing.T) {
	t.Parallel()
	s := admin.Secret("hunter2-password")
	for _, out := range []string{s.String(), s.GoString(), fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%d", s, s, s, s, s, s, s),
		fmt.Sprint(s), fmt.Sprintf("%v", struct{ P admin.Secret }{s}), fmt.Sprintf("%+v", &struct{ P admin.Secret }{s})} {
		assert.NotContains(t, out, "hunter2")
		assert.Contains(t, out, "[REDACTED]")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "secret", s)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "secret", s)
	assert.NotContains(t, buf.String(), "hunter2")
	b, err := json.Marshal(struct {
		P admin.Secret `json:"p"`
	}{s})
	require.NoError(t, err)
	assert.JSONEq(t, `{"p": "hunter2-password"}`, string(b))
	var back struct {
		P admin.Secret `json:"p"`
	}
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, "hunter2-password", string(back.P))
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		w.Header().Set("X-RateLimit-Limit", "100000")
		w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(100000-n))
		if n%7 == 0 {
			writeRaw(w, 503, `{}`)
			return
		}
		switch r.Method {
		case http.MethodPost:
			writeJSON(w, 201, testUser("usr_new"))
		default:
			writeJSON(w, 200, testUser(strings.TrimPrefix(r.URL.Path, "/v1/users/")))
		}
	}, admin.WithRetry(admin.RetryPolicy{MaxRetries: 10, MinWait: time.Microsecond, MaxWait: time.Millisecond}))
	const workers = 64
	var wg sync.WaitGroup
	errs := make(chan error, workers*4)
	for i := range workers {
		wg.Go(func() {
			for j := range 4 {
				id := fmt.Sprintf("usr_%d_%d", i, j)
				if j%2 == 0 {
					u, err := c.Users.Get(context.Background(), id)
					if err == nil && u.ID != id {
						err = fmt.Errorf("got %s, want %s", u.ID, id)
					}
					errs <- err
					continue
				}
				_, err := c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
				errs <- err
			}
			_, _ = c.RateLimit()
			_ = c.String()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	rl, ok := c.RateLimit()
	require.True(t, ok)
	assert.Equal(t, 100000, rl.Limit)
}

func TestCaptureResponse(t *testing.T) {
	t.Parallel()
	_, c := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "1000")
		w.Header().Set("X-RateLimit-Remaining", "998")
		w.Header().Set("X-RateLimit-Reset", "1700000000")
		w.Header().Set("Idempotent-Replayed", "true")
		writeJSON(w, 201, testUser("usr_1"))
	})
	var resp admin.Response
	ctx := admin.CaptureResponse(context.Background(), &resp)
	_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "req_test", resp.RequestID)
	assert.Equal(t, 1, resp.Attempts)
	assert.True(t, resp.Replayed)
	assert.Equal(t, admin.RateLimit{Limit: 1000, Remaining: 998, Reset: time.Unix(1700000000, 0)}, resp.RateLimit)
	rl, ok := c.RateLimit()
	require.True(t, ok)
	assert.Equal(t, 998, rl.Remaining)
}

func TestRateLimitUnknownBeforeAnyResponse(t *testing.T) {
	t.Parallel()
	c, err := admin.NewClient(admin.WithAPIKey(testKey))
	require.NoError(t, err)
	_, ok := c.RateLimit()
	assert.False(t, ok)
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, _ *http.Request) { requests.Add(1); writeJSON(w, 200, testUser("usr_1")) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.Users.Delete(ctx, "usr_1")
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, admin.ErrPossiblyApplied, "nothing was sent")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Zero(t, requests.Load())
}

// closedAddr returns the address of a listener that is closed: connecting
// to it is refused.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	c, err := admin.NewClient(admin.WithBaseURL("http://"+closedAddr(t)+"/v1"), admin.WithAPIKey(testKey), admin.WithRetry(fastRetry()))
	require.NoError(t, err)
	_, err = c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Zero(t, e.StatusCode)
	assert.Equal(t, 4, e.Attempts, "connection errors are retried")
	assert.NotErrorIs(t, err, admin.ErrPossiblyApplied, "a refused connection carried nothing")
	assert.True(t, e.Temporary())
	assert.NotContains(t, err.Error(), testKey)
	var opErr *net.OpError
	assert.True(t, errors.As(err, &opErr), "the cause stays reachable: %v", err)
}

// TestCutBodyRetried: a successful answer whose body ends too early (a
// proxy or a dropped connection cut it) is asked for again, like a lost
// answer: a GET simply, a change with the same idempotency key so that the
// server replays its answer instead of applying the change twice.
func TestCutBodyRetried(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			keys := make(chan string, 4)
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				keys <- r.Header.Get("Idempotency-Key")
				if n.Add(1) == 1 {
					writeRaw(w, 200, `{"id": "usr_1", "metadata_only_in_the_cut": {"a": 1}, "name": "An`)
					return
				}
				writeJSON(w, 200, testUser("usr_1"))
			})
			var resp admin.Response
			ctx := admin.CaptureResponse(context.Background(), &resp)
			var u *admin.User
			var err error
			if method == http.MethodGet {
				u, err = c.Users.Get(ctx, "usr_1")
			} else {
				u, err = c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
			}
			require.NoError(t, err)
			assert.Equal(t, "usr_1", u.ID)
			assert.Equal(t, 2, resp.Attempts)
			first, second := <-keys, <-keys
			assert.Equal(t, first, second, "one idempotency key across the attempts")
		})
	}
}
