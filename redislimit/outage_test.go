package redislimit_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/redislimit"
)

// newSharer returns a member with the default fallback: while Redis is down
// it paces itself at its share of the budget. Its timeout is short, so
// that its probes of a down Redis (go-redis dials again and again until
// then) hold a worker only for a while.
func newSharer(t testing.TB, srv *redisServer, opts ...redislimit.Option) member {
	t.Helper()
	m := member{logs: new(logRecorder)}
	opts = append([]redislimit.Option{redislimit.WithTimeout(200 * time.Millisecond), redislimit.WithLogger(slog.New(m.logs))}, opts...)
	m.Limiter = redislimit.New(srv.client(t), opts...)
	return m
}

// grants counts the attempts that each member lets through over about d,
// with two workers a member asking all the time. It returns the counts and
// the time they were counted over.
func grants(t *testing.T, s admin.Scope, d time.Duration, fleet ...member) ([]int64, time.Duration) {
	t.Helper()
	counts := make([]atomic.Int64, len(fleet))
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for i, m := range fleet {
		for range 2 {
			wg.Go(func() {
				for {
					err := m.Wait(ctx, s)
					if err != nil {
						if !errors.Is(err, context.DeadlineExceeded) {
							t.Errorf("Wait: %v", err)
						}
						return
					}
					counts[i].Add(1)
				}
			})
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	out := make([]int64, len(fleet))
	for i := range counts {
		out[i] = counts[i].Load()
	}
	return out, elapsed
}

// waitBack asks each member until it logged that Redis is back.
func waitBack(t *testing.T, s admin.Scope, fleet ...member) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, m := range fleet {
		for m.logs.count(slog.LevelInfo) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("Redis came back but a member never asked it again")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			_ = m.Wait(ctx, s)
			cancel()
			time.Sleep(10 * time.Millisecond) // the probe backoff is time-based
		}
	}
}

func TestOutagePacesEachMemberAtItsShare(t *testing.T) {
	t.Parallel()
	const perSecond = 100 // the fleet's budget: 6000 a minute
	tests := []struct {
		name    string
		members int
		opts    []redislimit.Option
		learn   bool // member 0 learns the limit from an answer; else the budget is set
		// flush: Redis loses its state, and only member 0 asks again,
		// just before the outage.
		flush bool
	}{
		{"2 members, budget set", 2, []redislimit.Option{redislimit.WithBudget(6000)}, false, false},
		{"4 members, budget set", 4, []redislimit.Option{redislimit.WithBudget(6000)}, false, false},
		{"4 members, limit learned", 4, []redislimit.Option{redislimit.WithMargin(0)}, true, false},
		{"4 members, member set lost just before", 4, []redislimit.Option{redislimit.WithBudget(6000)}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startRedis(t)
			s := newScope(t)
			fleet := make([]member, tc.members)
			for i := range fleet {
				fleet[i] = newSharer(t, srv, tc.opts...)
			}
			if tc.learn {
				immediate(t, s, 1, fleet[0]) // the attempt that learns it
				learn(fleet[0], s, perSecond*60)
			}
			// Every member asks twice: the second round counts them all.
			for range 2 {
				for _, m := range fleet {
					if err := m.Wait(context.Background(), s); err != nil {
						t.Fatalf("Wait: %v", err)
					}
				}
			}
			if tc.flush {
				if err := srv.client(t).FlushAll(context.Background()).Err(); err != nil {
					t.Fatal(err)
				}
				if err := fleet[0].Wait(context.Background(), s); err != nil { // Redis counts 1 member
					t.Fatalf("Wait: %v", err)
				}
			}
			srv.stop()
			for _, m := range fleet { // each finds Redis down, and takes the slot it starts with
				if err := m.Wait(context.Background(), s); err != nil {
					t.Fatalf("Wait: %v", err)
				}
			}
			got, elapsed := grants(t, s, 1500*time.Millisecond, fleet...)
			share := perSecond / float64(tc.members) * elapsed.Seconds()
			var total int64
			for i, n := range got {
				total += n
				if lo, hi := int64(0.75*share), int64(1.25*share)+1; n < lo || n > hi {
					t.Errorf("member %d: %d attempts in %v with Redis down, want %d to %d (its share: %.0f)",
						i, n, elapsed.Round(time.Millisecond), lo, hi, share)
				}
				if w := fleet[i].logs.count(slog.LevelWarn); w != 1 {
					t.Errorf("member %d logged %d warnings for one outage, want 1", i, w)
				}
			}
			t.Logf("%v attempts in %v with Redis down (the budget: %.0f)", got, elapsed.Round(time.Millisecond),
				perSecond*elapsed.Seconds())

			// Back on the shared budget: one member alone may spend all of
			// it, not just its share.
			srv.start(srv.port())
			waitBack(t, s, fleet...)
			alone, elapsed := grants(t, s, time.Second, fleet[0])
			budget := perSecond * elapsed.Seconds()
			if lo, hi := int64(0.75*budget), int64(1.1*budget)+2; alone[0] < lo || alone[0] > hi {
				t.Errorf("one member: %d attempts in %v with Redis back, want %d to %d (the budget)",
					alone[0], elapsed.Round(time.Millisecond), lo, hi)
			}
			for i, m := range fleet {
				if w := m.logs.count(slog.LevelWarn); w != 1 {
					t.Errorf("member %d logged %d warnings in all, want 1", i, w)
				}
			}
		})
	}
}

func TestOutageHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		pauses bool
	}{
		{"429", 429, true},
		{"503", 503, true},
		{"500", 500, false}, // Retry-After means a pause only on 429 and 503
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startRedis(t)
			s := newScope(t)
			m := newSharer(t, srv, redislimit.WithBudget(600000))
			if err := m.Wait(context.Background(), s); err != nil {
				t.Fatalf("Wait: %v", err)
			}
			srv.stop()
			m.Observe(s, admin.Outcome{StatusCode: tc.status, RetryAfter: 3 * time.Second})
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err := m.Wait(ctx, s)
			if !tc.pauses {
				if err != nil {
					t.Fatalf("Wait: %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, redislimit.ErrWaitTooLong) {
				t.Fatalf("Wait during a 3s pause with 2s left and Redis down: %v, want ErrWaitTooLong", err)
			}
			if ctx.Err() != nil {
				t.Fatal("Wait waited for a pause it could not outlast")
			}
		})
	}
}

func TestBackFromAnOutageLetsNoBurstThrough(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := newScope(t)
	m := newMember(t, srv, redislimit.WithTimeout(50*time.Millisecond))
	learn(m, s, 600) // 594 a minute: a burst of 9, one every 101ms after it
	if got := immediate(t, s, 1, m); got != 1 {
		t.Fatalf("%d attempts let through before the outage, want 1", got)
	}
	srv.pause()
	if err := m.Wait(context.Background(), s); err != nil { // times out: the fallback takes over
		t.Fatalf("Wait: %v", err)
	}
	// Long enough for Redis's bucket to be full again if nothing stopped
	// it (a second's budget), and for the backoff before the next probe.
	time.Sleep(1200 * time.Millisecond) // the bucket and the backoff are time-based
	srv.resume()
	before := m.fallback.waits.Load()
	got := immediate(t, s, 30, m)
	if n := m.fallback.waits.Load() - before; n != 0 {
		t.Fatalf("%d attempts paced by the fallback after Redis came back, want 0", n)
	}
	if got == 0 || got > 2 {
		t.Errorf("%d of 30 attempts let through at once after the outage, want 1 or 2", got)
	}
}
