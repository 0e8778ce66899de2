package redislimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	admin "github.com/admin/api-go"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// ErrWaitTooLong is returned by Wait when the shared budget has no slot for
// the attempt before the context's deadline. It matches
// context.DeadlineExceeded with errors.Is.
var ErrWaitTooLong error = waitTooLongError{}

type waitTooLongError struct{}

func (waitTooLongError) Error() string {
	return "redislimit: the shared rate budget has no slot before the context's deadline"
}

func (waitTooLongError) Is(target error) bool { return target == context.DeadlineExceeded }

// The time the learned limit is kept in Redis after its last publication,
// and how long one member may ask the server alone while no member knows
// the limit.
const (
	limitTTL = 10 * time.Minute
	probeTTL = time.Second
)

// memberWindow is how long a member counts in its scope's fleet after its
// last Wait: the fleet's size that shares the budget out while Redis is
// down is the members seen in the last window.
const memberWindow = 15 * time.Second

// Limiter is an admin.Limiter whose budget lives in Redis, shared by every
// Client of every process that uses the same Redis and the same key
// prefix. Create one with New; it is safe for concurrent use.
type Limiter struct {
	rdb      redis.Scripter
	cfg      config
	fallback admin.Limiter
	member   string // this Limiter's id in the scopes' member sets
	// share: while Redis is down, pace each scope at this member's share
	// of the fleet's budget rather than with the fallback, when the fleet's
	// size is known; false when the caller set a fallback of its own.
	shares bool

	scopes sync.Map // Scope.Key → *scopeState

	// Health: down is set from the first failed Redis operation of an
	// outage until the first that succeeds again.
	down      atomic.Bool
	mu        sync.Mutex // guards the fields below
	retryAt   time.Time  // when the next probe of a down Redis may go
	backoff   time.Duration
	probing   bool          // a probe of a down Redis is under way
	back      chan struct{} // closed when Redis is back from the outage under way
	publishes chan struct{}
	pending   sync.WaitGroup
}

// scopeState is what this process learned of one scope.
type scopeState struct {
	keys []string // tat, limit, pause, probe, members

	learned     atomic.Int64 // the server's limit a minute; 0 unknown, -1 none advertised
	published   atomic.Int64 // the limit last written to Redis
	publishedAt atomic.Int64 // when, in Unix nanoseconds
	pauseUntil  atomic.Int64 // the end of the last Retry-After pause, in Unix nanoseconds
	bookedUntil atomic.Int64 // the latest slot Redis granted this process, in Unix nanoseconds

	// What Redis last told of the fleet, for pacing at a share while it is
	// down: the limit it knew (as learned) and the most members it counted
	// in the last member window.
	mu        sync.Mutex
	limit     int64
	members   int64
	membersAt time.Time
	pacer     *rate.Limiter   // this member's share during the outage below
	pacerFor  <-chan struct{} // the outage (its back channel) the pacer was made for
}

// New returns a Limiter that keeps its budget in Redis through rdb, a
// *redis.Client, *redis.ClusterClient, *redis.Ring or any other
// redis.Scripter. The Limiter does not close rdb.
func New(rdb redis.Scripter, opts ...Option) *Limiter {
	cfg := config{
		margin:  0.01,
		timeout: 50 * time.Millisecond,
		prefix:  "admin-api:ratelimit:",
		logger:  slog.Default(),
	}
	for _, o := range opts {
		o(&cfg)
	}
	shares := cfg.fallback == nil
	if shares {
		cfg.fallback = admin.NewAdaptiveLimiter()
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id) // never fails (crypto/rand)
	return &Limiter{rdb: rdb, cfg: cfg, fallback: cfg.fallback, member: hex.EncodeToString(id), shares: shares,
		publishes: make(chan struct{}, maxPublishes)}
}

// maxPublishes bounds the publications under way at once; Observe drops
// the rest, to publish them with a later answer.
const maxPublishes = 8

// scope returns the state of s. Its Redis keys hold the scope's Key, a
// hash of the base URL and the principal, never the credential; as a hash
// tag it puts every key of one scope in one Cluster slot, as a script
// needs.
func (l *Limiter) scope(s admin.Scope) *scopeState {
	if st, ok := l.scopes.Load(s.Key); ok {
		return st.(*scopeState)
	}
	base := l.cfg.prefix + "{" + s.Key + "}:"
	st, _ := l.scopes.LoadOrStore(s.Key, &scopeState{
		keys: []string{base + keyTAT, base + keyLimit, base + keyPause, base + keyProbe, base + keyMembers},
	})
	return st.(*scopeState)
}

// Wait blocks until the shared budget of s has a slot for one attempt, or
// returns an error without waiting when ctx ends first (ErrWaitTooLong
// when its deadline would pass first). While Redis cannot be reached in
// time, Wait paces this process at its share of the budget, or with the
// fallback limiter.
func (l *Limiter) Wait(ctx context.Context, s admin.Scope) error {
	st := l.scope(s)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if use, back := l.useRedis(); !use {
			if err := l.waitAlone(ctx, s, st, back); err != errBack {
				return err
			}
			continue // Redis is back: ask it
		}
		resuming := 0
		if l.down.Load() {
			resuming = 1 // a probe: if it succeeds, this member is back
		}
		maxWait := int64(-1)
		if d, ok := ctx.Deadline(); ok {
			maxWait = max(0, time.Until(d).Microseconds())
		}
		reply, err := l.run(ctx, waitScript, st.keys, l.cfg.budget, l.cfg.margin, maxWait,
			st.learned.Load(), limitTTL.Milliseconds(), probeTTL.Milliseconds(),
			l.member, memberWindow.Microseconds(), resuming)
		if err == nil && len(reply) != 4 {
			err = fmt.Errorf("wait script replied %v", reply)
		}
		if err != nil {
			if ctx.Err() != nil {
				l.probeCut() // the caller gave up, Redis said nothing
				return ctx.Err()
			}
			if err := l.waitAlone(ctx, s, st, l.failed(err)); err != errBack {
				return err
			}
			continue
		}
		l.succeeded()
		st.sawFleet(reply[2], reply[3], time.Now())
		code, wait := reply[0], time.Duration(reply[1])*time.Microsecond
		switch code {
		case codeGranted:
			st.booked(time.Now().Add(wait))
			return sleep(ctx, wait)
		case codeTooLong:
			return ErrWaitTooLong
		}
		// Paused, or learning the limit: ask again after the wait.
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			return ErrWaitTooLong
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// Observe reports the outcome of an attempt: it publishes the limit the
// answer advertised and, on a 429 or 503 with Retry-After, pauses every
// member of the fleet until then. It does not wait for Redis: the
// publication runs in the background, bounded by the Limiter's timeout.
func (l *Limiter) Observe(s admin.Scope, o admin.Outcome) {
	l.fallback.Observe(s, o)
	st := l.scope(s)
	learned := int64(0)
	switch {
	case o.RateLimit.Limit > 0:
		learned = int64(o.RateLimit.Limit)
	case o.StatusCode >= 200 && o.StatusCode < 300:
		learned = -1 // a successful answer without a limit: the server advertises none
	}
	if learned != 0 {
		st.learned.Store(learned)
	}
	var retryAfter time.Duration
	if o.StatusCode == 429 || o.StatusCode == 503 {
		retryAfter = o.RetryAfter
	}
	now := time.Now().UnixNano()
	if retryAfter > 0 { // kept here too, for the pauses while Redis is down
		storeLater(&st.pauseUntil, now+int64(retryAfter))
	}
	if learned != 0 && learned == st.published.Load() && now-st.publishedAt.Load() < int64(limitTTL/2) {
		learned = 0 // Redis has it
	}
	if (learned == 0 && retryAfter <= 0) || l.down.Load() {
		return
	}
	select {
	case l.publishes <- struct{}{}:
	default:
		return // enough under way; a later answer publishes
	}
	l.pending.Add(1)
	go func() {
		defer l.pending.Done()
		defer func() { <-l.publishes }()
		_, err := l.run(context.Background(), observeScript, st.keys[:3], l.cfg.budget, l.cfg.margin,
			learned, limitTTL.Milliseconds(), retryAfter.Microseconds())
		if err != nil {
			l.failed(err)
			return
		}
		l.succeeded()
		if learned != 0 {
			st.published.Store(learned)
			st.publishedAt.Store(now)
		}
	}()
}

// sawFleet records what a reply of the wait script told of the fleet: its
// members and its limit. The count kept is the largest of the last member
// window, so that a Redis that lost its member set (a restart, a failover)
// and fails again before the members have all asked again does not make
// the share of those that did too large.
func (st *scopeState) sawFleet(members, limit int64, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.limit = limit
	if members >= st.members || now.Sub(st.membersAt) > memberWindow {
		st.members, st.membersAt = members, now
	}
}

// booked records a slot granted by Redis, which this process spends at t.
func (st *scopeState) booked(t time.Time) { storeLater(&st.bookedUntil, t.UnixNano()) }

// storeLater stores t in v if it is later than v's value.
func storeLater(v *atomic.Int64, t int64) {
	for prev := v.Load(); t > prev && !v.CompareAndSwap(prev, t); {
		prev = v.Load()
	}
}

// errBack is waitAlone's error when Redis came back while it waited.
var errBack = errors.New("redislimit: Redis is back")

// waitAlone paces this process while Redis is down: at its share of the
// fleet's budget, the budget over the members Redis last counted, from the
// last slot Redis granted it (the slots booked before the outage are this
// process's spending until then) and after any Retry-After pause this
// process was told of; or with the fallback limiter when the caller set
// one, or when the fleet's size or its limit is unknown (Redis was never
// reached). A wait for a slot ends with errBack when back is closed: the
// slots it would have spent alone are the shared budget's again, and the
// caller asks Redis.
func (l *Limiter) waitAlone(ctx context.Context, s admin.Scope, st *scopeState, back <-chan struct{}) error {
	perMinute := l.share(st)
	if perMinute == 0 {
		return l.fallback.Wait(ctx, s)
	}
	// The server's pause holds whether Redis is back or not; the slots
	// booked in Redis are the shared budget's again once it is back.
	pause, booked := st.pauseUntil.Load(), st.bookedUntil.Load()
	if wait := time.Duration(max(pause, booked) - time.Now().UnixNano()); wait > 0 {
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			return ErrWaitTooLong
		}
		if err := sleep(ctx, time.Duration(pause-time.Now().UnixNano())); err != nil {
			return err
		}
		if err := sleepUnless(ctx, time.Duration(booked-time.Now().UnixNano()), back); err != nil {
			return err
		}
	}
	if perMinute < 0 {
		return nil // the server advertises no limit
	}
	st.mu.Lock()
	r := rate.Limit(perMinute / 60)
	if st.pacerFor != back || st.pacer == nil {
		// Each outage starts with an empty bucket from the last slot
		// Redis granted: the fleet's bucket was spent up to then.
		st.pacer, st.pacerFor = rate.NewLimiter(r, 1), back
		st.pacer.ReserveN(time.Unix(0, max(time.Now().UnixNano(), st.bookedUntil.Load())), 1)
	} else if st.pacer.Limit() != r {
		st.pacer.SetLimit(r)
	}
	slot := st.pacer.Reserve() // a burst of 1: always possible
	st.mu.Unlock()
	wait := slot.Delay()
	if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
		slot.Cancel()
		return ErrWaitTooLong
	}
	if err := sleepUnless(ctx, wait, back); err != nil {
		slot.Cancel()
		return err
	}
	return nil
}

// share returns this member's share of the budget of st, in requests a
// minute, while Redis is down: -1 when the server advertises no limit, 0
// when it is not for this Limiter to pace (a fallback of the caller's, a
// fleet or a limit Redis never told).
func (l *Limiter) share(st *scopeState) float64 {
	if !l.shares {
		return 0
	}
	st.mu.Lock()
	members, limit := st.members, st.limit
	st.mu.Unlock()
	if learned := st.learned.Load(); learned != 0 {
		limit = learned // this process's answers are the latest word
	}
	if l.cfg.budget > 0 {
		limit = int64(l.cfg.budget)
	}
	switch {
	case members <= 0 || limit == 0:
		return 0
	case limit < 0:
		return -1
	}
	budget := float64(limit)
	if l.cfg.budget == 0 {
		budget *= 1 - l.cfg.margin
	}
	return budget / float64(members)
}

// run runs script with the Limiter's timeout. It returns when the timeout
// passes even if the client does not heed the context's deadline (a
// go-redis client without ContextTimeoutEnabled waits for its
// ReadTimeout): the abandoned call ends in the background.
func (l *Limiter) run(ctx context.Context, script *redis.Script, keys []string, args ...any) ([]int64, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.timeout)
	defer cancel()
	type result struct {
		v   []int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := script.Run(ctx, l.rdb, keys, args...).Int64Slice()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// useRedis reports whether this call should go to Redis: always while it
// is up, and for one call at a time after the backoff while it is down.
// When not, back is closed when Redis is back.
func (l *Limiter) useRedis() (use bool, back <-chan struct{}) {
	if !l.down.Load() {
		return true, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.down.Load() {
		return true, nil
	}
	if l.probing || time.Now().Before(l.retryAt) {
		return false, l.back
	}
	l.probing = true
	return true, nil
}

// probeCut ends a probe that the caller's context cut short, if this
// call was one, so that the next call after the backoff probes again.
func (l *Limiter) probeCut() {
	if !l.down.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.probing = false
}

// Backoff between probes of a down Redis. The longest is short: until a
// member probes, it paces itself at its share while those already back
// spend the whole budget.
const (
	minBackoff = 250 * time.Millisecond
	maxBackoff = time.Second
)

// failed records a failed Redis operation, with one warning per outage. It
// returns a channel closed when Redis is back.
func (l *Limiter) failed(err error) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.down.Load() {
		l.down.Store(true)
		l.back = make(chan struct{})
		l.backoff = minBackoff
		l.cfg.logger.Warn("redislimit: Redis unavailable; pacing this process alone until it is back",
			slog.String("error", err.Error()), slog.Duration("timeout", l.cfg.timeout))
	} else if l.probing {
		l.backoff = min(2*l.backoff, maxBackoff)
	}
	l.probing = false
	l.retryAt = time.Now().Add(l.backoff)
	return l.back
}

// succeeded records a successful Redis operation, with one message when
// it ends an outage.
func (l *Limiter) succeeded() {
	if !l.down.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down.Load() {
		l.down.Store(false)
		l.probing = false
		close(l.back)
		l.cfg.logger.Info("redislimit: Redis is back; pacing on the shared budget again")
	}
}

// sleepUnless waits for d, or until ctx ends or back is closed (then it
// returns errBack).
func sleepUnless(ctx context.Context, d time.Duration, back <-chan struct{}) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-back:
		return errBack
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var _ admin.Limiter = (*Limiter)(nil)
