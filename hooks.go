package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"net/http"
	"slices"
	"time"
)

// This file is the request path's one extension point: the attempt. Every
// attempt of every call is paced by the Client's Limiter and watched by its
// Observers, at one place in the request path, so that an Observer sees the
// Limiter's waits as it sees the retry waits.

// Scope names the rate budget an attempt draws on: one server and one
// principal. The principal is the API key; for WithClientCredentials, the
// client id and the token URL (never the secret); and for either, or for
// a Client without credentials, the values of WithHeader's headers too.
// A WithTokenSource Client has no principal the SDK can see: such Clients
// share the Scope of their base URL, which keeps them within the server's
// limit at the cost of sharing it when their tokens are for different
// principals.
type Scope struct {
	// Key is a hex SHA-256 of the base URL and the principal. Two
	// organisations, or two keys of one organisation, never share a Key;
	// the credential itself cannot be recovered from it.
	Key string
	// BaseURL is the Client's base URL.
	BaseURL string
}

// newScope returns the Scope of a Client of baseURL configured by cfg. The
// parts are length-prefixed so that no two configurations hash alike.
func newScope(baseURL string, cfg *config) Scope {
	h := sha256.New()
	part := func(s string) {
		var n [8]byte
		for i, l := 0, uint64(len(s)); i < 8; i++ {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write([]byte(s))
	}
	part("admin-api-go scope v1")
	part(baseURL)
	switch {
	case cfg.apiKey != "":
		part("api-key")
		part(string(cfg.apiKey))
	case cfg.clientID != "":
		part("client-credentials")
		part(cfg.clientID)
		part(cfg.tokenURL)
	case cfg.tokenSource != nil:
		part("token-source")
	default:
		part("none")
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.headers)) {
		part(name)
		for _, v := range cfg.headers[name] {
			part(v)
		}
	}
	return Scope{Key: hex.EncodeToString(h.Sum(nil)), BaseURL: baseURL}
}

// A Limiter paces a Client's attempts to keep them within the server's rate
// limit. The Client calls Wait before every attempt, retries and resends
// included, and Observe once after each attempt that Wait let through, with
// what its answer taught. A Limiter may be shared by many Clients, and by
// many processes when its state lives elsewhere; it must be safe for
// concurrent use.
//
// The default, NewAdaptiveLimiter, learns the limit from the server's
// X-RateLimit-* headers and keeps this process below it.
type Limiter interface {
	// Wait blocks until the budget named by s allows one more attempt and
	// returns nil. It returns an error, without waiting, when ctx is done
	// or its deadline would pass first; the attempt is then not sent and
	// the call fails with that error as its cause, without a retry. An
	// error that matches ErrRateLimited makes the call's error match it.
	Wait(ctx context.Context, s Scope) error
	// Observe reports the outcome of an attempt that Wait let through.
	Observe(s Scope, o Outcome)
}

// Outcome is what the answer to one attempt taught about the rate limit.
type Outcome struct {
	StatusCode int           // the answer's status; 0 when no answer arrived
	RateLimit  RateLimit     // from the X-RateLimit-* headers; zero when the answer had none
	RetryAfter time.Duration // the wait a 429 or 503 asked for in Retry-After; 0 if none
	Err        error         // why no answer arrived, when StatusCode is 0
}

// An Observer watches the calls a Client makes: each logical call, each of
// its attempts, and each wait before an attempt. The methods of one call
// are called in order, from one goroutine at a time; an Observer must be
// safe for concurrent use across calls. It must not block: it runs on the
// request path. Each method gets the context its predecessor returned, so
// an Observer keeps what it needs of a call (a span) in that context.
type Observer interface {
	// StartCall is called before a call's first attempt. It returns the
	// context for the rest of the call, derived from ctx.
	StartCall(ctx context.Context, c CallInfo) context.Context
	// Waited is called after each wait before an attempt: the retry
	// policy's backoff or the server's Retry-After before a retry, and
	// the Limiter's Wait before every attempt, reported even when it let
	// the attempt through at once (its Duration is then next to nothing).
	Waited(ctx context.Context, w Wait)
	// StartAttempt is called just before an attempt is sent. It may add
	// headers to a.Header (trace context), and returns the context for
	// the attempt, derived from ctx.
	StartAttempt(ctx context.Context, a Attempt) context.Context
	// EndAttempt is called when an attempt has its answer, or failed,
	// with the context StartAttempt returned. An attempt the Limiter
	// refused was never started and does not end.
	EndAttempt(ctx context.Context, r AttemptResult)
	// EndCall is called once, as the call returns.
	EndCall(ctx context.Context, r CallResult)
}

// CallInfo describes a logical call.
type CallInfo struct {
	Method string // the HTTP method
	// Route is the path template below the base URL, such as
	// "/users/{id}": never the path itself, so that ids, emails and
	// names never reach a metric label or a span name.
	Route   string
	BaseURL string // the Client's base URL
}

// WaitReason says why a Client waited before an attempt.
type WaitReason string

// The reasons for a wait.
const (
	WaitBackoff    WaitReason = "backoff"     // the retry policy's backoff after a failed attempt
	WaitRetryAfter WaitReason = "retry_after" // the server's Retry-After
	WaitLimiter    WaitReason = "limiter"     // the Limiter
)

// Wait is one wait before an attempt.
type Wait struct {
	Reason WaitReason
	// Duration is how long the Client waited: the backoff or Retry-After
	// wait it scheduled, or, when the call's context ended that wait, the
	// time until then; for the Limiter, the time its Wait took.
	Duration time.Duration
	Attempt  int // the attempt the wait came before, 1 for the first
}

// Attempt describes one attempt as it is sent.
type Attempt struct {
	Number int // 1 for the first attempt; Number-1 is the resend count
	// Header is the attempt's request header. An Observer may add to it,
	// but must not keep it or read credentials from it.
	Header http.Header
}

// RetryReason says why an attempt was followed by another.
type RetryReason string

// The reasons for a retry; an attempt that was not retried has none.
const (
	RetryStatus    RetryReason = "status"    // a 429, 500, 502, 503 or 504
	RetryTransport RetryReason = "transport" // no answer arrived: a reset, a timeout
	RetryCutBody   RetryReason = "cut_body"  // a successful answer whose body was cut short
	// RetryUnauthorized is a 401 to a token the server refused before its
	// expiry: the Client fetches a fresh token and sends the request again
	// at once, once per call. It is no retry of a failure, so the retry
	// policy neither counts nor forbids it (WithoutRetries included).
	RetryUnauthorized RetryReason = "token_refresh"
)

// AttemptResult is the outcome of one attempt.
type AttemptResult struct {
	Number     int           // as in Attempt
	StatusCode int           // 0 when no answer arrived
	Duration   time.Duration // from sending to the answer's body read
	Err        error         // why no usable answer arrived, if none did
	Retry      RetryReason   // why another attempt follows; "" when none does
	RequestID  string        // the answer's X-Request-Id; "" when none arrived
	RateLimit  RateLimit     // from the answer's X-RateLimit-* headers; zero when it had none
}

// CallResult is the outcome of a logical call.
type CallResult struct {
	Attempts   int           // attempts made, retries, resends and one the Limiter refused included
	StatusCode int           // the last answer's status; 0 when none arrived
	RequestID  string        // the last answer's X-Request-Id
	Replayed   bool          // the server answered from its idempotency store
	Duration   time.Duration // from StartCall to EndCall, waits included
	Err        error         // nil on success; otherwise the error the call returns
}

// The Observers' side of a call. Each method does nothing without
// Observers, so that a Client without them pays nothing.

func (k *call) startCall() {
	k.callStart = time.Now()
	info := CallInfo{Method: k.method, Route: k.route.tmpl, BaseURL: k.c.baseStr}
	for _, o := range k.c.observers {
		k.ctx = o.StartCall(k.ctx, info)
	}
}

// startAttempt tells the Observers an attempt with header h is about to
// be sent, and returns the context they returned for it.
func (k *call) startAttempt(h http.Header) context.Context {
	ctx := k.ctx
	a := Attempt{Number: k.attempts, Header: h}
	for _, o := range k.c.observers {
		ctx = o.StartAttempt(ctx, a)
	}
	k.actx = ctx
	return ctx
}

// endAttempt tells the Observers how an attempt ended, and retry why
// another follows. An attempt the Limiter refused was never started.
func (k *call) endAttempt(resp *http.Response, err error, retry RetryReason) {
	if _, refused := err.(refusedError); refused || len(k.c.observers) == 0 {
		return
	}
	r := AttemptResult{Number: k.attempts, Duration: time.Since(k.start), Err: err, Retry: retry}
	if resp != nil {
		r.StatusCode = resp.StatusCode
		r.RequestID = k.scrub(resp.Header.Get("X-Request-Id"))
		r.RateLimit = k.rl
		if err == nil && k.bodyErr != nil {
			r.Err = k.bodyErr
		}
	}
	for _, o := range k.c.observers {
		o.EndAttempt(k.actx, r)
	}
}

// waited tells the Observers of a wait that began at t0.
func (k *call) waited(why WaitReason, t0 time.Time) {
	if len(k.c.observers) > 0 {
		k.waitedFor(why, time.Since(t0))
	}
}

func (k *call) waitedFor(why WaitReason, d time.Duration) {
	w := Wait{Reason: why, Duration: d, Attempt: k.attempts + 1}
	if why == WaitLimiter {
		w.Attempt = k.attempts
	}
	for _, o := range k.c.observers {
		o.Waited(k.ctx, w)
	}
}

func (k *call) endCall(err error) {
	r := CallResult{Attempts: k.attempts, Duration: time.Since(k.callStart), Err: err}
	if resp := k.last; resp != nil {
		r.StatusCode = resp.StatusCode
		r.RequestID = k.scrub(resp.Header.Get("X-Request-Id"))
		r.Replayed = resp.Header.Get("Idempotent-Replayed") == "true"
	}
	for _, o := range k.c.observers {
		o.EndCall(k.ctx, r)
	}
}
