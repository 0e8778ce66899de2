package redislimit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/redislimit"
)

// newScope returns a scope of its own for one test.
func newScope(t testing.TB) admin.Scope {
	t.Helper()
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return admin.Scope{Key: hex.EncodeToString(b), BaseURL: "https://api.example.test"}
}

// countingFallback is a fallback limiter that lets everything through and
// counts what it was asked.
type countingFallback struct{ waits, observes atomic.Int64 }

func (f *countingFallback) Wait(context.Context, admin.Scope) error { f.waits.Add(1); return nil }
func (f *countingFallback) Observe(admin.Scope, admin.Outcome)      { f.observes.Add(1) }

// logRecorder is a slog.Handler that keeps the records it is given.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logRecorder) WithGroup(string) slog.Handler      { return h }

// count returns how many records of level l were logged.
func (h *logRecorder) count(l slog.Level) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.records {
		if r.Level == l {
			n++
		}
	}
	return n
}

// member is one process of a fleet: its own Redis client and Limiter.
type member struct {
	*redislimit.Limiter
	fallback *countingFallback
	logs     *logRecorder
}

func newMember(t testing.TB, srv *redisServer, opts ...redislimit.Option) member {
	t.Helper()
	m := member{fallback: new(countingFallback), logs: new(logRecorder)}
	// A generous timeout, so that a loaded machine is not taken for an
	// outage; the outage tests set their own.
	opts = append([]redislimit.Option{redislimit.WithTimeout(time.Second), redislimit.WithFallback(m.fallback),
		redislimit.WithLogger(slog.New(m.logs))}, opts...)
	m.Limiter = redislimit.New(srv.client(t), opts...)
	return m
}

// immediate counts the attempts that the members let through at once,
// asking each in turn n times with 20ms to spare: a slot further off
// is refused with ErrWaitTooLong.
func immediate(t *testing.T, s admin.Scope, n int, members ...member) int {
	t.Helper()
	granted := 0
	for i := range n {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		err := members[i%len(members)].Wait(ctx, s)
		cancel()
		switch {
		case err == nil:
			granted++
		case !errors.Is(err, redislimit.ErrWaitTooLong):
			t.Fatalf("Wait: %v, want nil or ErrWaitTooLong", err)
		}
	}
	return granted
}

// learn tells m what an answer with the limit perMinute teaches, and waits
// until it is published.
func learn(m member, s admin.Scope, perMinute int) {
	m.Observe(s, admin.Outcome{StatusCode: 200, RateLimit: admin.RateLimit{Limit: perMinute, Remaining: perMinute / 60}})
	m.Flush()
}

func TestFleetSharesOneBudget(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	const grants = 16
	tests := []struct {
		name    string
		opts    []redislimit.Option
		learned int // the limit member 0 learns from an answer; 0 for none
	}{
		// 3000 a minute: one every 20ms, with a burst of 50 that a
		// fresh bucket does not have.
		{"budget set", []redislimit.Option{redislimit.WithBudget(3000)}, 0},
		{"limit learned by one member", []redislimit.Option{redislimit.WithMargin(0)}, 3000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newScope(t)
			fleet := []member{newMember(t, srv, tc.opts...), newMember(t, srv, tc.opts...), newMember(t, srv, tc.opts...)}
			if tc.learned > 0 {
				learn(fleet[0], s, tc.learned)
			}
			// Three workers in each of three processes take 16 slots.
			var taken atomic.Int64
			var wg sync.WaitGroup
			start := time.Now()
			for i := range 9 {
				wg.Go(func() {
					for taken.Add(1) <= grants {
						if err := fleet[i%3].Wait(context.Background(), s); err != nil {
							t.Errorf("Wait: %v", err)
						}
					}
				})
			}
			wg.Wait()
			// The first slot is free at once, each other one 20ms after
			// the one before, whichever member takes it: three members
			// pacing themselves alone, or a bucket starting full, would
			// finish sooner.
			if elapsed, least := time.Since(start), (grants-1)*20*time.Millisecond; elapsed < least {
				t.Errorf("%d slots taken in %v, want at least %v", grants, elapsed, least)
			}
			for i, m := range fleet {
				if n := m.fallback.waits.Load(); n != 0 {
					t.Errorf("member %d paced %d attempts alone, want 0", i, n)
				}
			}
		})
	}
}

func TestNewMemberStartsWithWhatTheFleetKnows(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := newScope(t)
	old, fresh := newMember(t, srv), newMember(t, srv)
	learn(old, s, 6000) // one every 10.5ms
	// The fresh member knows no limit, and would let one attempt through
	// to learn it and hold the others until the answer came, or a second.
	for i := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := fresh.Wait(ctx, s)
		cancel()
		if err != nil {
			t.Fatalf("Wait %d: %v", i, err)
		}
	}
	if got, _ := srv.client(t).Get(context.Background(), "admin-api:ratelimit:{"+s.Key+"}:limit").Result(); got != "6000" {
		t.Errorf("limit in Redis = %q, want 6000", got)
	}
}

func TestUnknownLimitLetsOneAttemptLearnIt(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := newScope(t)
	a, b := newMember(t, srv), newMember(t, srv)
	if got := immediate(t, s, 6, a, b); got != 1 {
		t.Fatalf("%d attempts let through before the limit is known, want 1", got)
	}
	// The answer to the one attempt teaches the limit: the fleet goes on.
	learn(a, s, 60000)
	if got := immediate(t, s, 1, b); got != 1 {
		t.Fatalf("%d attempts let through once the limit is known, want 1", got)
	}
	// A server that advertises no limit: nothing held but pauses.
	s2 := newScope(t)
	immediate(t, s2, 1, a)
	a.Observe(s2, admin.Outcome{StatusCode: 200})
	a.Flush()
	if got := immediate(t, s2, 20, a, b); got != 20 {
		t.Fatalf("%d of 20 attempts let through without a limit, want 20", got)
	}
}

func TestRetryAfterPausesEveryMember(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	tests := []struct {
		name   string
		status int
		limit  int // the limit the server advertises; 0 for none
		pauses bool
	}{
		{"429", 429, 60000, true},
		{"503", 503, 60000, true},
		{"429 without a limit", 429, 0, true},
		{"500", 500, 60000, false}, // Retry-After means a pause only on 429 and 503
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newScope(t)
			a, b := newMember(t, srv), newMember(t, srv)
			immediate(t, s, 1, a) // the attempt that learns the limit
			a.Observe(s, admin.Outcome{StatusCode: 200, RateLimit: admin.RateLimit{Limit: tc.limit}})
			a.Observe(s, admin.Outcome{StatusCode: tc.status, RetryAfter: 3 * time.Second})
			a.Flush()
			a.Observe(s, admin.Outcome{StatusCode: tc.status, RetryAfter: time.Second}) // the later pause wins
			a.Flush()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err := b.Wait(ctx, s)
			if !tc.pauses {
				if err != nil {
					t.Fatalf("Wait: %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, redislimit.ErrWaitTooLong) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Wait during a 3s pause with 2s left: %v, want ErrWaitTooLong", err)
			}
			if ctx.Err() != nil {
				t.Fatal("Wait waited for a pause it could not outlast")
			}
		})
	}
}

func TestRedisLosingItsStateLetsNoBurstThrough(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		lose func(*testing.T, *redisServer)
	}{
		{"FLUSHALL", func(t *testing.T, srv *redisServer) {
			if err := srv.client(t).FlushAll(context.Background()).Err(); err != nil {
				t.Fatal(err)
			}
		}},
		{"restart", func(t *testing.T, srv *redisServer) { srv.restart() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startRedis(t)
			s := newScope(t)
			// 600 a minute less 1%: a burst of 9, one every 101ms after it.
			fleet := []member{newMember(t, srv), newMember(t, srv), newMember(t, srv)}
			for _, m := range fleet {
				learn(m, s, 600)
			}
			if got := immediate(t, s, 3, fleet...); got == 0 {
				t.Fatal("nothing let through before the loss")
			}
			tc.lose(t, srv)
			// Whatever the fleet waited for is gone, but it knows the
			// limit: it paces from one slot on rather than bursting. A
			// member that saw the restart as an outage paces alone for a
			// while: ask again until every answer came from Redis.
			got := 0
			for range 100 {
				before := fallbackWaits(fleet)
				got = immediate(t, s, 30, fleet...)
				if fallbackWaits(fleet) == before {
					break
				}
				time.Sleep(50 * time.Millisecond) // the probe backoff is time-based
			}
			if got > 3 {
				t.Errorf("%d of 30 attempts let through at once after the loss, want at most 3", got)
			}
			if got == 0 {
				t.Error("nothing let through after the loss")
			}
		})
	}
}

func TestRedisOutageFallsBackAndRecovers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		fail, revive func(*redisServer)
	}{
		{"stopped", (*redisServer).stop, func(srv *redisServer) { srv.start(srv.port()) }},
		{"stuck (SIGSTOP)", (*redisServer).pause, (*redisServer).resume},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startRedis(t)
			s := newScope(t)
			m := newMember(t, srv, redislimit.WithBudget(600000), redislimit.WithTimeout(50*time.Millisecond))
			call := func() {
				t.Helper()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				start := time.Now()
				if err := m.Wait(ctx, s); err != nil {
					t.Fatalf("Wait: %v", err)
				}
				if d := time.Since(start); d > 2*time.Second {
					t.Fatalf("Wait took %v: the Redis timeout is not bounding it", d)
				}
				m.Observe(s, admin.Outcome{StatusCode: 200, RateLimit: admin.RateLimit{Limit: 600000}})
			}
			call()
			tc.fail(srv)
			// Past the first probe, 250ms after the failure, which fails too.
			for range 20 {
				call()
				time.Sleep(25 * time.Millisecond) // the probe backoff is time-based
			}
			if n := m.fallback.waits.Load(); n < 19 {
				t.Errorf("%d of 20 attempts paced by the fallback during the outage, want at least 19", n)
			}
			if n := m.logs.count(slog.LevelWarn); n != 1 {
				t.Errorf("%d warnings for one outage, want 1", n)
			}
			tc.revive(srv)
			// Back on the shared budget at the next probe, after a backoff.
			deadline := time.Now().Add(15 * time.Second)
			for m.logs.count(slog.LevelInfo) == 0 && time.Now().Before(deadline) {
				call()
				time.Sleep(10 * time.Millisecond) // the probe backoff is time-based
			}
			if n := m.logs.count(slog.LevelInfo); n != 1 {
				t.Fatalf("%d messages that Redis is back, want 1", n)
			}
			before := m.fallback.waits.Load()
			for range 10 {
				call()
			}
			if n := m.fallback.waits.Load() - before; n != 0 {
				t.Errorf("%d attempts paced by the fallback after Redis came back, want 0", n)
			}
			if n := m.logs.count(slog.LevelWarn); n != 1 {
				t.Errorf("%d warnings in all, want 1", n)
			}
		})
	}
}

func TestObserveDoesNotWaitForRedis(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := newScope(t)
	m := newMember(t, srv) // a timeout of 1s
	srv.pause()
	defer srv.resume()
	// Every one of these publishes (a new limit, a pause): waiting for
	// Redis, the first would take the whole timeout.
	start := time.Now()
	for i := range 100 {
		m.Observe(s, admin.Outcome{StatusCode: 429, RateLimit: admin.RateLimit{Limit: 1000 + i}, RetryAfter: time.Second})
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("100 Observe calls took %v with Redis stuck, want well under the 1s timeout", d)
	}
	m.Flush()
	if n := m.fallback.observes.Load(); n != 100 {
		t.Errorf("the fallback saw %d outcomes, want 100", n)
	}
}

func TestKeysNameOnlyTheScope(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := newScope(t)
	m := newMember(t, srv, redislimit.WithKeyPrefix("p:"))
	immediate(t, s, 1, m)
	learn(m, s, 1000)
	m.Observe(s, admin.Outcome{StatusCode: 429, RetryAfter: time.Second})
	m.Flush()
	keys, err := srv.client(t).Keys(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"p:{" + s.Key + "}:tat": true, "p:{" + s.Key + "}:limit": true,
		"p:{" + s.Key + "}:pause": true, "p:{" + s.Key + "}:probe": true, "p:{" + s.Key + "}:members": true}
	for _, k := range keys {
		if !want[k] {
			t.Errorf("unexpected key %q", k)
		}
		delete(want, k)
	}
	if len(want) != 0 {
		t.Errorf("keys missing: %v", want)
	}
}

// fallbackWaits counts the attempts that the members paced alone.
func fallbackWaits(fleet []member) int64 {
	var n int64
	for _, m := range fleet {
		n += m.fallback.waits.Load()
	}
	return n
}

func TestProbeCutShortByTheCallerIsNotTheLast(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := newScope(t)
	m := newMember(t, srv, redislimit.WithBudget(600000), redislimit.WithTimeout(50*time.Millisecond))
	srv.pause()
	if err := m.Wait(context.Background(), s); err != nil { // fails over to the fallback
		t.Fatalf("Wait: %v", err)
	}
	// Past the backoff, the next call probes Redis, and its caller gives up
	// before the Limiter's timeout.
	time.Sleep(300 * time.Millisecond) // the probe backoff is time-based
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	err := m.Wait(ctx, s)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with 5ms while Redis is stuck: %v, want DeadlineExceeded", err)
	}
	srv.resume()
	deadline := time.Now().Add(10 * time.Second)
	for m.logs.count(slog.LevelInfo) == 0 && time.Now().Before(deadline) {
		if err := m.Wait(context.Background(), s); err != nil {
			t.Fatalf("Wait: %v", err)
		}
		time.Sleep(10 * time.Millisecond) // the probe backoff is time-based
	}
	if m.logs.count(slog.LevelInfo) != 1 {
		t.Fatal("Redis came back but the Limiter never asked it again")
	}
}
