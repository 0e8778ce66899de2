package admin

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/time/rate"
)

var (
	errRedirect    = errors.New("redirect refused")
	errLimiterWait = errors.New("client-side rate limit: the wait would outlast the context")
)

// RateLimit is the server's rate limit as its X-RateLimit-* headers last
// told it.
type RateLimit struct {
	Limit     int       // requests allowed per minute
	Remaining int       // requests left in the current window
	Reset     time.Time // when the window resets
}

// parseRateLimit reads the X-RateLimit-* headers; ok is false when the
// Limit header is missing or malformed.
func parseRateLimit(h http.Header) (rl RateLimit, ok bool) {
	limit, err := strconv.Atoi(h.Get("X-Ratelimit-Limit"))
	if err != nil || limit < 0 {
		return RateLimit{}, false
	}
	rl.Limit = limit
	if n, err := strconv.Atoi(h.Get("X-Ratelimit-Remaining")); err == nil && n >= 0 {
		rl.Remaining = n
	}
	if n, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil && n > 0 && n < 1<<40 {
		rl.Reset = time.Unix(n, 0)
	}
	return rl, true
}

// NewAdaptiveLimiter returns the default Limiter. For each Scope it lets
// attempts through unpaced until an answer's X-RateLimit-Limit tells the
// server's limit (requests per minute); it then keeps just below that
// rate, starting from what X-RateLimit-Remaining says is left, less the
// attempts in flight. Its state lives in this process: Clients sharing it
// share their budget when they share a Scope.
func NewAdaptiveLimiter() Limiter { return &adaptiveLimiter{} }

// adaptiveLimiter keeps one adaptiveBucket per Scope. Nearly every Client
// uses one Scope, so the last bucket used is found without a lock.
type adaptiveLimiter struct {
	last    atomic.Pointer[adaptiveBucket]
	mu      sync.Mutex
	buckets map[string]*adaptiveBucket
}

type adaptiveBucket struct {
	key      string
	lim      *rate.Limiter
	learned  atomic.Int64
	inflight atomic.Int64 // attempts let through and not yet observed
}

func (a *adaptiveLimiter) bucket(s Scope) *adaptiveBucket {
	if b := a.last.Load(); b != nil && b.key == s.Key {
		return b
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.buckets[s.Key]
	if b == nil {
		if a.buckets == nil {
			a.buckets = make(map[string]*adaptiveBucket)
		}
		b = &adaptiveBucket{key: s.Key, lim: rate.NewLimiter(rate.Inf, 1)}
		a.buckets[s.Key] = b
	}
	a.last.Store(b)
	return b
}

// Wait waits for the bucket of s, once its limit is known.
func (a *adaptiveLimiter) Wait(ctx context.Context, s Scope) error {
	b := a.bucket(s)
	if b.lim.Limit() != rate.Inf {
		if err := waitRate(ctx, b.lim); err != nil {
			return err
		}
	}
	b.inflight.Add(1)
	return nil
}

// Observe adapts the bucket of s to the server's advertised limit.
func (a *adaptiveLimiter) Observe(s Scope, o Outcome) {
	b := a.bucket(s)
	b.inflight.Add(-1)
	if o.RateLimit.Limit > 0 {
		b.adapt(o.RateLimit)
	}
}

func (b *adaptiveBucket) adapt(rl RateLimit) {
	// Responses arrive together: only the first to see a new limit applies it.
	if prev := b.learned.Load(); prev == int64(rl.Limit) || !b.learned.CompareAndSwap(prev, int64(rl.Limit)) {
		return
	}
	perSecond := float64(rl.Limit) / 60
	burst := int(perSecond)
	if burst < 1 {
		burst = 1
	}
	// Keep a small margin below the server's rate so that clock jitter
	// between the two buckets does not turn into 429s. Start as full as the
	// server's bucket, less the requests in flight, which have spent from
	// it or will: a full bucket would send a burst the server cannot take.
	now := time.Now()
	b.lim.SetBurstAt(now, burst)
	now = now.Add(time.Nanosecond) // from rate.Inf, a moment's refill fills the new burst
	b.lim.SetLimitAt(now, rate.Limit(perSecond*0.99))
	target := float64(max(0, min(burst, rl.Remaining-int(b.inflight.Load()))))
	if extra := b.lim.TokensAt(now) - target; extra >= 1 {
		b.lim.ReserveN(now, int(extra))
	}
}

// fixedLimiter is WithRateLimit's Limiter: one rate for the Client,
// whatever the server says.
type fixedLimiter struct{ lim *rate.Limiter }

func (f fixedLimiter) Wait(ctx context.Context, _ Scope) error { return waitRate(ctx, f.lim) }
func (fixedLimiter) Observe(Scope, Outcome)                    {}

// waitRate waits for lim, refusing at once a wait that would outlast ctx.
func waitRate(ctx context.Context, lim *rate.Limiter) error {
	if err := lim.Wait(ctx); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return errLimiterWait
	}
	return nil
}

// drain reads a little of body so the connection can be reused, and closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// tokenCache hands out one token until it expires, and fetches a new one
// when the server rejects it.
type tokenCache struct {
	mu    sync.Mutex
	fetch func(context.Context) (*oauth2.Token, error)
	tok   *oauth2.Token
}

func (c *tokenCache) token(ctx context.Context) (*oauth2.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok.Valid() {
		return c.tok, nil
	}
	return c.fetchLocked(ctx)
}

// refresh replaces stale with a fresh token, unless another goroutine has
// done so already.
func (c *tokenCache) refresh(ctx context.Context, stale *oauth2.Token) (*oauth2.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != nil && c.tok.AccessToken != stale.AccessToken && c.tok.Valid() {
		return c.tok, nil
	}
	return c.fetchLocked(ctx)
}

func (c *tokenCache) fetchLocked(ctx context.Context) (*oauth2.Token, error) {
	tok, err := c.fetch(ctx)
	if err != nil {
		return nil, tokenError(err)
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, &Error{invalidResponse: true, Message: "token source returned no access token"}
	}
	c.tok = tok
	return tok, nil
}

// current returns the cached access token, for scrubbing it from messages.
func (c *tokenCache) current() string {
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok == nil {
		return ""
	}
	return c.tok.AccessToken
}

// tokenError turns a token endpoint's refusal into an *Error without the
// response body, which could echo a credential.
func tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e := &Error{Code: re.ErrorCode, Message: "token request refused"}
		if re.Response != nil {
			e.StatusCode = re.Response.StatusCode
			e.RequestID = re.Response.Header.Get("X-Request-Id")
			e.Method, e.Path = http.MethodPost, re.Response.Request.URL.Path
		}
		if re.ErrorDescription != "" {
			e.Message = re.ErrorDescription
		}
		return e
	}
	return err
}

func newTokenCache(cfg *config, base *http.Client, tokenURL string) *tokenCache {
	switch {
	case cfg.tokenSource != nil:
		ts := cfg.tokenSource
		return &tokenCache{fetch: func(context.Context) (*oauth2.Token, error) { return ts.Token() }}
	case cfg.clientID != "":
		cc := &clientcredentials.Config{
			ClientID:     cfg.clientID,
			ClientSecret: string(cfg.clientSecret),
			TokenURL:     tokenURL,
			AuthStyle:    oauth2.AuthStyleInHeader,
		}
		return &tokenCache{fetch: func(ctx context.Context) (*oauth2.Token, error) {
			return cc.Token(context.WithValue(ctx, oauth2.HTTPClient, base))
		}}
	}
	return nil
}

// checkRedirect refuses redirects that would carry credentials to another
// host or down from HTTPS to HTTP, and redirect loops.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.Join(errRedirect, errors.New("stopped after 10 redirects"))
	}
	first := via[0]
	if req.URL.Scheme != first.URL.Scheme && first.URL.Scheme == "https" {
		return errors.Join(errRedirect, errors.New("refused a redirect from https to http"))
	}
	if req.URL.Host != first.URL.Host {
		return errors.Join(errRedirect, errors.New("refused a redirect to another host"))
	}
	return nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// notSentError is an attempt that failed before anything was sent: the
// limiter refused it or no token could be had.
type notSentError struct{ error }

func (e notSentError) Unwrap() error { return e.error }

// wasNotSent reports whether err shows that an attempt never reached the
// server, so that it cannot have applied a change: it failed before
// sending, in connecting, in the TLS handshake, or on a refused redirect
// (the server answered the request with the redirect).
func wasNotSent(err error) bool {
	var (
		ns          notSentError
		opErr       *net.OpError
		certErr     *tls.CertificateVerificationError
		recErr      tls.RecordHeaderError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
	)
	switch {
	case errors.As(err, &ns), errors.Is(err, errRedirect):
		return true
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return true
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return true
	}
	return false
}

// isRetryableError reports whether a transport error may pass on retrying.
func isRetryableError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, errRedirect) || errors.Is(err, errLimiterWait) {
		return false
	}
	var (
		certErr     *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		apiErr      *Error
	)
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500 // a token endpoint in trouble
	}
	return true
}

// retryableStatus reports whether a response status is worth retrying.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// ambiguousStatus reports whether a status leaves open whether a change was
// applied: the server may have failed after committing it. 429 and 503 say
// the request was not processed.
func ambiguousStatus(code int) bool {
	return code == http.StatusInternalServerError || code == http.StatusBadGateway || code == http.StatusGatewayTimeout
}

// backoff is capped exponential backoff with full jitter: a uniform wait in
// [0, min(max, min*2^attempt)).
func backoff(p RetryPolicy, attempt int) time.Duration {
	ceil := p.MaxWait
	// Double MinWait step by step rather than shifting it, which could
	// overflow into a short wait.
	if d := p.MinWait; d > 0 {
		for i := 0; i < attempt && d < ceil; i++ {
			if d > ceil/2 {
				d = ceil
			} else {
				d *= 2
			}
		}
		ceil = min(d, ceil)
	}
	if ceil <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceil)))
}
