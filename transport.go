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

// limiter is the client-side rate limiter. Fixed, it keeps the rate it was
// given; adaptive, it starts unlimited and follows the server's
// X-RateLimit-Limit (requests per minute).
type limiter struct {
	lim      *rate.Limiter
	adaptive bool
	learned  atomic.Int64
	inflight atomic.Int64 // requests sent and not yet answered
}

func newLimiter(cfg *config) *limiter {
	switch {
	case cfg.noLimit:
		return nil
	case cfg.rps > 0:
		return &limiter{lim: rate.NewLimiter(rate.Limit(cfg.rps), cfg.burst)}
	default:
		return &limiter{lim: rate.NewLimiter(rate.Inf, 1), adaptive: true}
	}
}

// observe adapts the limiter to the server's advertised limit.
func (l *limiter) observe(rl RateLimit) {
	if l == nil || !l.adaptive || rl.Limit <= 0 {
		return
	}
	// Responses arrive together: only the first to see a new limit applies it.
	if prev := l.learned.Load(); prev == int64(rl.Limit) || !l.learned.CompareAndSwap(prev, int64(rl.Limit)) {
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
	l.lim.SetBurstAt(now, burst)
	now = now.Add(time.Nanosecond) // from rate.Inf, a moment's refill fills the new burst
	l.lim.SetLimitAt(now, rate.Limit(perSecond*0.99))
	target := float64(max(0, min(burst, rl.Remaining-int(l.inflight.Load()))))
	if extra := l.lim.TokensAt(now) - target; extra >= 1 {
		l.lim.ReserveN(now, int(extra))
	}
}

// transport is the Client's RoundTripper: it waits for the limiter on every
// attempt, adds credentials from a token source, refreshes a token the
// server rejects, and records the rate limit.
type transport struct {
	base   http.RoundTripper
	lim    *limiter
	tokens *tokenCache // nil for API keys, which are set per call
	client *Client
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.tokens == nil {
		return t.send(req)
	}
	tok, err := t.tokens.token(req.Context())
	if err != nil {
		return nil, notSentError{err}
	}
	resp, err := t.send(withToken(req, tok))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	// The server refused a token that has not expired (revoked or rotated):
	// fetch a fresh one and try once more.
	if !tok.Expiry.IsZero() && !tok.Expiry.After(time.Now()) {
		return resp, nil
	}
	fresh, ferr := t.tokens.refresh(req.Context(), tok)
	if ferr != nil || fresh.AccessToken == tok.AccessToken {
		return resp, nil
	}
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return resp, nil
		}
		body, err := req.GetBody()
		if err != nil {
			return resp, nil
		}
		req = req.Clone(req.Context())
		req.Body = body
	}
	drain(resp.Body)
	return t.send(withToken(req, fresh))
}

func (t *transport) send(req *http.Request) (*http.Response, error) {
	if t.lim != nil && t.lim.lim.Limit() != rate.Inf {
		if t.client.onLimiter != nil {
			t.client.onLimiter()
		}
		if err := t.lim.lim.Wait(req.Context()); err != nil {
			if ctxErr := req.Context().Err(); ctxErr != nil {
				return nil, notSentError{ctxErr}
			}
			return nil, notSentError{errLimiterWait}
		}
	}
	if t.lim != nil {
		t.lim.inflight.Add(1)
	}
	resp, err := t.base.RoundTrip(req)
	if t.lim != nil {
		t.lim.inflight.Add(-1)
	}
	if err == nil {
		if rl, ok := parseRateLimit(resp.Header); ok {
			t.lim.observe(rl)
			t.client.rateLimit.Store(&rl)
		}
	}
	return resp, err
}

func withToken(req *http.Request, tok *oauth2.Token) *http.Request {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return r
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
