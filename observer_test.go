package admin_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	admin "github.com/admin/api-go"
)

// watcher is an Observer that keeps what it sees, for tests: the
// package's tests watch the request path through the same extension point
// as its users.
type watcher struct {
	mu      sync.Mutex
	calls   []admin.CallInfo
	waits   []admin.Wait
	started []admin.Attempt
	ended   []admin.AttemptResult
	results []admin.CallResult
	events  []string // one line per method called, in order

	// onEndAttempt, when set, is called with each attempt's result.
	onEndAttempt func(admin.AttemptResult)
}

func (r *watcher) StartCall(ctx context.Context, c admin.CallInfo) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	r.events = append(r.events, "call "+c.Method+" "+c.Route)
	return ctx
}

func (r *watcher) Waited(_ context.Context, w admin.Wait) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, w)
	r.events = append(r.events, fmt.Sprintf("wait %s before %d", w.Reason, w.Attempt))
}

func (r *watcher) StartAttempt(ctx context.Context, a admin.Attempt) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = append(r.started, admin.Attempt{Number: a.Number})
	r.events = append(r.events, fmt.Sprintf("attempt %d", a.Number))
	return ctx
}

func (r *watcher) EndAttempt(_ context.Context, a admin.AttemptResult) {
	r.mu.Lock()
	r.ended = append(r.ended, a)
	r.events = append(r.events, fmt.Sprintf("end %d status %d retry %q", a.Number, a.StatusCode, a.Retry))
	f := r.onEndAttempt
	r.mu.Unlock()
	if f != nil {
		f(a)
	}
}

func (r *watcher) EndCall(_ context.Context, c admin.CallResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, c)
	r.events = append(r.events, fmt.Sprintf("end call: %d attempts, status %d, err %v", c.Attempts, c.StatusCode, c.Err != nil))
}

// retryWaits returns the durations of the waits before retries, the
// Limiter's left out.
func (r *watcher) retryWaits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Duration
	for _, w := range r.waits {
		if w.Reason != admin.WaitLimiter {
			out = append(out, w.Duration)
		}
	}
	return out
}

// count returns how many waits had reason why.
func (r *watcher) count(why admin.WaitReason) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, w := range r.waits {
		if w.Reason == why {
			n++
		}
	}
	return n
}

// log returns the events so far.
func (r *watcher) log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}
