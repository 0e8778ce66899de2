package admintest

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// unlimitedRate is the figure reported in X-RateLimit-Limit when no limit is set.
const unlimitedRate = 1000000

// rateLimiter is a token bucket per principal.
type rateLimiter struct {
	perMinute int // <= 0: no limit
	mu        sync.Mutex
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// rateState is the outcome of one take, ready to be sent as headers.
type rateState struct {
	limit      int
	remaining  int
	reset      int64
	retryAfter int // seconds; set when !ok
	ok         bool
}

func newRateLimiter(perMinute int) *rateLimiter {
	return &rateLimiter{perMinute: perMinute, buckets: map[string]*bucket{}}
}

func (l *rateLimiter) rate() float64     { return float64(l.perMinute) / 60 }
func (l *rateLimiter) capacity() float64 { return max(1, l.rate()) }

// idle is the state reported to callers that are not rate limited (no principal,
// or no limit set): a full bucket.
func (l *rateLimiter) idle(now time.Time) rateState {
	if l.perMinute <= 0 {
		return rateState{limit: unlimitedRate, remaining: unlimitedRate, reset: now.Unix(), ok: true}
	}
	return rateState{limit: l.perMinute, remaining: int(l.capacity()), reset: now.Unix(), ok: true}
}

// take spends one token of principal id's bucket if it has one.
func (l *rateLimiter) take(id string, now time.Time) rateState {
	if l.perMinute <= 0 {
		return l.idle(now)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	rate, capacity := l.rate(), l.capacity()
	b, ok := l.buckets[id]
	if !ok {
		b = &bucket{tokens: capacity, last: now}
		l.buckets[id] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(capacity, b.tokens+elapsed*rate)
		b.last = now
	}
	st := rateState{limit: l.perMinute, ok: b.tokens >= 1}
	if st.ok {
		b.tokens--
	} else {
		st.retryAfter = max(1, int(math.Ceil((1-b.tokens)/rate)))
	}
	st.remaining = int(math.Floor(b.tokens))
	full := now.Add(time.Duration((capacity - b.tokens) / rate * float64(time.Second)))
	st.reset = full.Unix()
	if full.After(time.Unix(st.reset, 0)) {
		st.reset++
	}
	return st
}

// reset forgets every bucket.
func (l *rateLimiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.buckets)
}

func (st rateState) apply(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(st.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(st.reset, 10))
	if !st.ok {
		h.Set("Retry-After", strconv.Itoa(st.retryAfter))
	}
}
