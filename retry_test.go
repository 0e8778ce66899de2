package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

// keyLog records the Idempotency-Key of every request a server gets.
type keyLog struct {
	mu   sync.Mutex
	keys []string
	seen []bool
}

func (k *keyLog) add(r *http.Request) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, ok := r.Header["Idempotency-Key"]
	k.keys = append(k.keys, r.Header.Get("Idempotency-Key"))
	k.seen = append(k.seen, ok)
	return len(k.keys)
}

func (k *keyLog) all() ([]string, []bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.keys...), append([]bool(nil), k.seen...)
}

func TestRetriedStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		attempts int
		sentinel error
	}{
		{429, 4, admin.ErrRateLimited},
		{500, 4, admin.ErrServer},
		{502, 4, admin.ErrServer},
		{503, 4, admin.ErrServer},
		{504, 4, admin.ErrServer},
		{400, 1, admin.ErrBadRequest},
		{401, 1, admin.ErrUnauthorized},
		{403, 1, admin.ErrForbidden},
		{404, 1, admin.ErrNotFound},
		{409, 1, admin.ErrConflict},
		{501, 1, admin.ErrServer},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				i := n.Add(1)
				writeJSON(w, tt.status, map[string]any{"error": map[string]any{"code": "x", "message": fmt.Sprintf("attempt %d", i)}})
			})
			_, err := c.Users.Get(context.Background(), "usr_1")
			require.ErrorIs(t, err, tt.sentinel)
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.attempts, e.Attempts)
			assert.Equal(t, tt.status, e.StatusCode)
			assert.Equal(t, int32(tt.attempts), n.Load())
			assert.Equal(t, fmt.Sprintf("attempt %d", tt.attempts), e.Message, "the last response is the one decoded")
			assert.False(t, e.PossiblyApplied)
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			writeRaw(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, testUser("usr_1"))
	})
	var resp admin.Response
	u, err := c.Users.Get(admin.CaptureResponse(context.Background(), &resp), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, "usr_1", u.ID)
	assert.Equal(t, 3, resp.Attempts)
}

func TestConnectionErrorsRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			dropConn(t, w)
			return
		}
		writeJSON(w, 200, testUser("usr_1"))
	})
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, int32(3), n.Load())
}

func TestWithoutRetries(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1); writeRaw(w, 503, `{}`) }, admin.WithoutRetries())
	_, err := c.Users.Get(context.Background(), "usr_1")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 1, e.Attempts)
	assert.Equal(t, int32(1), n.Load())
}

func TestZeroMaxRetriesTakesDefault(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1); writeRaw(w, 503, `{}`) },
		admin.WithRetry(admin.RetryPolicy{MinWait: time.Microsecond, MaxWait: time.Millisecond}))
	_, err := c.Users.Get(context.Background(), "usr_1")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, admin.DefaultMaxRetries+1, e.Attempts, "a zero MaxRetries takes its default, as documented")
}

func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	var keys keyLog
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if keys.add(r)%2 == 1 {
			writeRaw(w, 500, `{}`) // every call's first attempt fails
			return
		}
		switch r.Method {
		case http.MethodDelete, http.MethodPut:
			w.WriteHeader(204)
		case http.MethodPost:
			writeJSON(w, 201, testUser("usr_1"))
		default:
			writeJSON(w, 200, testUser("usr_1"))
		}
	})
	ctx := context.Background()
	create := &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer}
	_, err := c.Users.Create(ctx, create)
	require.NoError(t, err)
	_, err = c.Users.Create(ctx, create)
	require.NoError(t, err)
	_, err = c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Name: admin.Ptr("B")})
	require.NoError(t, err)
	require.NoError(t, c.Users.Delete(ctx, "usr_1"))
	require.NoError(t, c.Users.Delete(admin.WithIdempotencyKey(ctx, "my-key-1"), "usr_1"))
	_, err = c.Users.Get(ctx, "usr_1")
	require.NoError(t, err)

	got, seen := keys.all()
	require.Len(t, got, 12)
	for i := 0; i < 10; i += 2 {
		assert.True(t, seen[i], "attempt %d of a change carries a key", i)
		assert.NotEmpty(t, got[i])
		assert.Equal(t, got[i], got[i+1], "one key for both attempts of call %d", i/2)
	}
	assert.NotEqual(t, got[0], got[2], "each logical call has its own key")
	assert.NotEqual(t, got[4], got[6])
	assert.Equal(t, "my-key-1", got[8])
	assert.False(t, seen[10] || seen[11], "a GET carries no key")
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter string
		policy     admin.RetryPolicy
		want       func(t *testing.T, waits []time.Duration)
	}{
		{"seconds capped by MaxWait", "1", admin.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond},
			func(t *testing.T, waits []time.Duration) {
				assert.Equal(t, []time.Duration{5 * time.Millisecond, 5 * time.Millisecond}, waits)
			}},
		{"zero seconds", "0", admin.RetryPolicy{MaxRetries: 2, MinWait: time.Hour, MaxWait: time.Hour},
			func(t *testing.T, waits []time.Duration) { assert.Equal(t, []time.Duration{0, 0}, waits) }},
		{"date in the past", "Sun, 06 Nov 1994 08:49:37 GMT", admin.RetryPolicy{MaxRetries: 2, MinWait: time.Hour, MaxWait: time.Hour},
			func(t *testing.T, waits []time.Duration) { assert.Equal(t, []time.Duration{0, 0}, waits) }},
		{"malformed falls back to backoff", "soon", admin.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 3 * time.Millisecond},
			func(t *testing.T, waits []time.Duration) {
				require.Len(t, waits, 3)
				for i, w := range waits {
					assert.GreaterOrEqual(t, w, time.Duration(0))
					assert.Less(t, w, min(time.Millisecond<<i, 3*time.Millisecond)+1)
				}
			}},
		{"none falls back to backoff", "", admin.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 3 * time.Millisecond},
			func(t *testing.T, waits []time.Duration) {
				require.Len(t, waits, 3)
				for _, w := range waits {
					assert.Less(t, w, 3*time.Millisecond)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := new(watcher)
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				writeRaw(w, 429, `{"error": {"code": "rate_limited", "message": "slow down"}}`)
			}, admin.WithRetry(tt.policy), admin.WithObserver(rec))
			_, err := c.Users.Get(context.Background(), "usr_1")
			require.ErrorIs(t, err, admin.ErrRateLimited)
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.policy.MaxRetries+1, e.Attempts)
			assert.Equal(t, "rate_limited", e.Code)
			tt.want(t, rec.retryWaits())
		})
	}
}

func TestRetryAfterBeyondDeadline(t *testing.T) {
	t.Parallel()
	for _, policy := range []admin.RetryPolicy{{}, {MaxRetries: 3, MaxWait: 2 * time.Hour}} {
		var n atomic.Int32
		rec := &watcher{onEndAttempt: func(a admin.AttemptResult) {
			if a.Retry != "" {
				t.Errorf("attempt %d was followed by a retry (%s)", a.Number, a.Retry)
			}
		}}
		_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Retry-After", "3600")
			writeRaw(w, 429, `{"error": {"code": "rate_limited", "message": "slow down"}}`)
		}, admin.WithRetry(policy), admin.WithObserver(rec))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := c.Users.Get(ctx, "usr_1")
		require.NoError(t, ctx.Err(), "the call returned before its deadline")
		cancel()
		require.ErrorIs(t, err, admin.ErrRateLimited)
		var e *admin.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, time.Hour, e.RetryAfter)
		assert.Equal(t, 1, e.Attempts)
		assert.Equal(t, int32(1), n.Load())
		assert.True(t, e.Temporary())
		assert.Empty(t, rec.retryWaits(), "no wait was started")
	}
}

func TestBackoffBeyondDeadline(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1); writeRaw(w, 503, `{}`) },
		admin.WithRetry(admin.RetryPolicy{MaxRetries: 3, MinWait: time.Hour, MaxWait: time.Hour}))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Users.Get(ctx, "usr_1")
	require.NoError(t, ctx.Err())
	require.ErrorIs(t, err, admin.ErrServer)
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 503, e.StatusCode)
	assert.Equal(t, int32(1), n.Load())
}

func TestLimiterOnEveryAttempt(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	rec := new(watcher)
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			writeRaw(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, testUser("usr_1"))
	}, admin.WithRateLimit(1e6, 10), admin.WithObserver(rec))
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, 3, rec.count(admin.WaitLimiter), "the limiter is asked before every attempt, retries included")
}

func TestLimiterRefusal(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1); writeRaw(w, 500, `{}`) },
		admin.WithRateLimit(0.001, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
	require.NoError(t, ctx.Err(), "the limiter refused at once rather than waiting for the deadline")
	require.ErrorIs(t, err, admin.ErrRateLimited)
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 2, e.Attempts, "the retry went through the limiter")
	assert.Equal(t, int32(1), n.Load(), "the retry never reached the server")
	assert.True(t, e.PossiblyApplied, "the first attempt's 500 left the outcome open")

	_, err = c.Users.Get(ctx, "usr_1")
	require.ErrorIs(t, err, admin.ErrRateLimited)
	assert.NotErrorIs(t, err, admin.ErrPossiblyApplied)
	assert.Equal(t, int32(1), n.Load())
}

func TestAdaptiveLimiterFollowsServer(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("X-RateLimit-Limit", "1") // one request a minute
		writeJSON(w, 200, testUser("usr_1"))
	})
	_, err := c.Users.Get(context.Background(), "usr_1")
	require.NoError(t, err, "before the limit is known nothing waits")
	// The limit is learned with an empty bucket: the first call spent the
	// server's, so the next would wait a minute and the deadline refuses it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = c.Users.Get(ctx, "usr_1")
	require.ErrorIs(t, err, admin.ErrRateLimited, "the second call would wait a minute")
	assert.Equal(t, int32(1), n.Load())
}

func TestWithoutRateLimit(t *testing.T) {
	t.Parallel()
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "1")
		writeJSON(w, 200, testUser("usr_1"))
	}, admin.WithoutRateLimit())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 3 {
		_, err := c.Users.Get(ctx, "usr_1")
		require.NoError(t, err)
	}
}

func TestPossiblyApplied(t *testing.T) {
	t.Parallel()
	create := func(c *admin.Client) error {
		_, err := c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
		return err
	}
	get := func(c *admin.Client) error { _, err := c.Users.Get(context.Background(), "usr_1"); return err }
	drop := func(t *testing.T, w http.ResponseWriter) { dropConn(t, w) }
	status := func(code int) func(*testing.T, http.ResponseWriter) {
		return func(_ *testing.T, w http.ResponseWriter) { writeRaw(w, code, `{}`) }
	}
	tests := []struct {
		name    string
		call    func(*admin.Client) error
		answers []func(*testing.T, http.ResponseWriter) // by attempt; the last repeats
		want    bool
	}{
		{"POST dropped", create, []func(*testing.T, http.ResponseWriter){drop}, true},
		{"GET dropped", get, []func(*testing.T, http.ResponseWriter){drop}, false},
		{"POST 503", create, []func(*testing.T, http.ResponseWriter){status(503)}, false},
		{"POST 429", create, []func(*testing.T, http.ResponseWriter){status(429)}, false},
		{"POST 500", create, []func(*testing.T, http.ResponseWriter){status(500)}, true},
		{"POST 502", create, []func(*testing.T, http.ResponseWriter){status(502)}, true},
		{"POST 504", create, []func(*testing.T, http.ResponseWriter){status(504)}, true},
		{"POST dropped then 503", create, []func(*testing.T, http.ResponseWriter){drop, status(503)}, true},
		{"POST 500 then 429", create, []func(*testing.T, http.ResponseWriter){status(500), status(429)}, true},
		{"POST 400", create, []func(*testing.T, http.ResponseWriter){status(400)}, false},
		{"POST 503 then 409", create, []func(*testing.T, http.ResponseWriter){status(503), status(409)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var keys keyLog
			_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				i := keys.add(r) - 1
				tt.answers[min(i, len(tt.answers)-1)](t, w)
			})
			err := tt.call(c)
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.want, e.PossiblyApplied)
			if tt.want {
				assert.ErrorIs(t, err, admin.ErrPossiblyApplied)
				assert.Contains(t, err.Error(), "may have been applied")
			} else {
				assert.NotErrorIs(t, err, admin.ErrPossiblyApplied)
			}
			got, _ := keys.all()
			for _, k := range got[1:] {
				assert.Equal(t, got[0], k, "every attempt carries the same key")
			}
		})
	}
}

func TestRetryResendsBody(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		var b [256]byte
		n, _ := r.Body.Read(b[:])
		mu.Lock()
		bodies = append(bodies, string(b[:n]))
		k := len(bodies)
		mu.Unlock()
		if k == 1 {
			dropConn(t, w)
			return
		}
		writeJSON(w, 201, testUser("usr_1"))
	})
	_, err := c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 2)
	assert.JSONEq(t, `{"name":"A","email":"a@example.com","role":"viewer"}`, bodies[1])
	assert.Equal(t, bodies[0], bodies[1])
}
