package admin

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

// DefaultBaseURL is the production base URL of the Admin API.
const DefaultBaseURL = "https://api.admin.com/v1"

// Environment variables read by NewClientFromEnv.
const (
	EnvAPIKey       = "ADMIN_API_KEY"
	EnvAPIURL       = "ADMIN_API_URL"
	EnvClientID     = "ADMIN_CLIENT_ID"
	EnvClientSecret = "ADMIN_CLIENT_SECRET"
	EnvTokenURL     = "ADMIN_TOKEN_URL"
)

// An Option configures a Client. Options are applied in order by NewClient.
type Option func(*config) error

// RetryPolicy says how often and how long a Client retries a failed attempt.
//
// A zero field takes its default: MaxRetries 4, MinWait 250ms, MaxWait 30s.
// MaxRetries counts retries, not attempts: a call makes at most MaxRetries+1
// attempts. Use WithoutRetries to make exactly one attempt.
type RetryPolicy struct {
	MaxRetries int
	MinWait    time.Duration
	MaxWait    time.Duration
}

// Default values of RetryPolicy's fields.
const (
	DefaultMaxRetries = 4
	DefaultMinWait    = 250 * time.Millisecond
	DefaultMaxWait    = 30 * time.Second
)

// DefaultMaxResponseSize is the largest successful response body a Client
// reads unless WithMaxResponseSize says otherwise.
const DefaultMaxResponseSize = 16 << 20

// maxErrorBody is the most of an error response body that is read.
const maxErrorBody = 1 << 20

type config struct {
	baseURL      string
	apiKey       Secret
	clientID     string
	clientSecret Secret
	tokenURL     string
	tokenSource  oauth2.TokenSource
	httpClient   *http.Client
	retry        RetryPolicy
	noRetry      bool
	rps          float64
	burst        int
	noLimit      bool
	limiter      Limiter
	observers    []Observer
	logger       *slog.Logger
	userAgent    string
	headers      http.Header
	insecureHTTP bool
	maxResponse  int64
}

// WithBaseURL sets the base URL every path is resolved against, such as
// "https://api.admin.com/v1" or "http://127.0.0.1:12111/v1". A path prefix is
// kept. A plain-HTTP URL is refused unless its host is a loopback address or
// WithInsecureHTTP is also given, since it would send the token in clear.
func WithBaseURL(u string) Option {
	return func(c *config) error { c.baseURL = u; return nil }
}

// WithAPIKey authenticates every request with the API key as a bearer token.
// It replaces an earlier WithClientCredentials or WithTokenSource.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return invalidOption("WithAPIKey", "key is empty")
		}
		c.clearAuth()
		c.apiKey = Secret(key)
		return nil
	}
}

// WithClientCredentials authenticates with the OAuth2 client credentials
// grant against tokenURL. An empty tokenURL means the base URL's
// "/oauth/token". Tokens are cached until they expire. It replaces an
// earlier WithAPIKey or WithTokenSource.
func WithClientCredentials(clientID, clientSecret, tokenURL string) Option {
	return func(c *config) error {
		if clientID == "" || clientSecret == "" {
			return invalidOption("WithClientCredentials", "client id and secret are required")
		}
		c.clearAuth()
		c.clientID, c.clientSecret, c.tokenURL = clientID, Secret(clientSecret), tokenURL
		return nil
	}
}

// WithTokenSource authenticates with tokens from ts, such as one made by
// golang.org/x/oauth2. Tokens are cached until they expire. It replaces an
// earlier WithAPIKey or WithClientCredentials.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return invalidOption("WithTokenSource", "token source is nil")
		}
		c.clearAuth()
		c.tokenSource = ts
		return nil
	}
}

// WithHTTPClient sets the HTTP client whose Transport is the base of the
// Client's chain (so instrumentation such as otelhttp keeps working), and
// whose Timeout and Jar are kept. Its CheckRedirect is replaced by one that
// refuses redirects to another host or from HTTPS to HTTP.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalidOption("WithHTTPClient", "client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithRetry sets the retry policy.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxRetries < 0 || p.MinWait < 0 || p.MaxWait < 0 {
			return invalidOption("WithRetry", "negative value")
		}
		c.retry, c.noRetry = p, false
		return nil
	}
}

// WithoutRetries makes every call a single attempt.
func WithoutRetries() Option {
	return func(c *config) error { c.noRetry = true; return nil }
}

// WithRateLimit limits the Client to requestsPerSecond with bursts of burst
// requests, counting every attempt, retries included. Without it the Client
// learns the server's limit from the X-RateLimit-* headers of its responses.
func WithRateLimit(requestsPerSecond float64, burst int) Option {
	return func(c *config) error {
		if requestsPerSecond <= 0 || burst < 1 {
			return invalidOption("WithRateLimit", "rate must be positive and burst at least 1")
		}
		c.rps, c.burst, c.noLimit, c.limiter = requestsPerSecond, burst, false, nil
		return nil
	}
}

// WithoutRateLimit turns off the client-side rate limiter.
func WithoutRateLimit() Option {
	return func(c *config) error { c.noLimit, c.rps, c.limiter = true, 0, nil; return nil }
}

// WithLimiter paces the Client's attempts with l instead of a limiter of
// its own (NewAdaptiveLimiter). Share one Limiter between Clients, or
// between processes with one whose state lives elsewhere, to keep them
// within one rate limit together. Of WithLimiter, WithRateLimit and
// WithoutRateLimit, the last one given wins.
func WithLimiter(l Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return invalidOption("WithLimiter", "limiter is nil")
		}
		c.limiter, c.noLimit, c.rps = l, false, 0
		return nil
	}
}

// WithObserver has o watch every call the Client makes, with its attempts
// and waits. It may be given several times; the Observers are called in
// the order given.
func WithObserver(o Observer) Option {
	return func(c *config) error {
		if o == nil {
			return invalidOption("WithObserver", "observer is nil")
		}
		c.observers = append(c.observers, o)
		return nil
	}
}

// WithLogger logs every attempt at debug level: method, path, status,
// attempt, duration and request id. Secrets and query strings are never
// logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

// WithUserAgent sets the User-Agent header, placed before the SDK's own.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if !validHeaderValue(ua) {
			return invalidOption("WithUserAgent", "contains control characters")
		}
		c.userAgent = ua
		return nil
	}
}

// WithHeader adds a header to every request. It can carry a credential the
// server expects elsewhere than Authorization, such as Kong-Admin-Token; its
// value is then treated as a secret.
func WithHeader(key, value string) Option {
	return func(c *config) error {
		switch {
		case http.CanonicalHeaderKey(key) == "Authorization":
			return invalidOption("WithHeader", "use WithAPIKey or WithTokenSource for Authorization")
		case !validHeaderName(key):
			return invalidOption("WithHeader", "not a valid header name")
		case !validHeaderValue(value):
			return invalidOption("WithHeader", "the value contains control characters")
		}
		if c.headers == nil {
			c.headers = make(http.Header)
		}
		c.headers.Add(key, value)
		return nil
	}
}

// WithInsecureHTTP allows a plain-HTTP base URL to a host that is not a
// loopback address. The token then crosses the network in clear.
func WithInsecureHTTP() Option {
	return func(c *config) error { c.insecureHTTP = true; return nil }
}

// WithMaxResponseSize sets the largest successful response body the Client
// reads; a larger one fails the call with ErrInvalidResponse.
func WithMaxResponseSize(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return invalidOption("WithMaxResponseSize", "size must be positive")
		}
		c.maxResponse = n
		return nil
	}
}

// NewClientFromEnv returns a Client configured from the environment:
// ADMIN_API_URL (default DefaultBaseURL), and either ADMIN_API_KEY or
// ADMIN_CLIENT_ID with ADMIN_CLIENT_SECRET (and optionally ADMIN_TOKEN_URL).
// Further options are applied after those from the environment.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	var env []Option
	if u := os.Getenv(EnvAPIURL); u != "" {
		env = append(env, WithBaseURL(u))
	}
	key, id, secret := os.Getenv(EnvAPIKey), os.Getenv(EnvClientID), os.Getenv(EnvClientSecret)
	switch {
	case key != "":
		env = append(env, WithAPIKey(key))
	case id != "" && secret != "":
		env = append(env, WithClientCredentials(id, secret, os.Getenv(EnvTokenURL)))
	default:
		return nil, invalidOption("NewClientFromEnv", fmt.Sprintf("set %s, or %s and %s", EnvAPIKey, EnvClientID, EnvClientSecret))
	}
	return NewClient(append(env, opts...)...)
}

// clearAuth forgets the credentials of an earlier authentication option,
// so that the last one given wins.
func (c *config) clearAuth() {
	c.apiKey, c.clientID, c.clientSecret, c.tokenURL, c.tokenSource = "", "", "", "", nil
}

// newLimiter returns the Limiter the options chose; nil for none.
func (c *config) newLimiter() Limiter {
	switch {
	case c.noLimit:
		return nil
	case c.limiter != nil:
		return c.limiter
	case c.rps > 0:
		return fixedLimiter{rate.NewLimiter(rate.Limit(c.rps), c.burst)}
	}
	return NewAdaptiveLimiter()
}

func (c *config) retryPolicy() RetryPolicy {
	p := c.retry
	if c.noRetry {
		return RetryPolicy{}
	}
	if p.MaxRetries == 0 {
		p.MaxRetries = DefaultMaxRetries
	}
	if p.MinWait == 0 {
		p.MinWait = DefaultMinWait
	}
	if p.MaxWait == 0 {
		p.MaxWait = DefaultMaxWait
	}
	if p.MaxWait < p.MinWait {
		p.MaxWait = p.MinWait
	}
	return p
}

// parseBaseURL checks the configured base URL and returns it ending in "/".
func (c *config) parseBaseURL() (*url.URL, error) {
	raw := c.baseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, invalidOption("WithBaseURL", "want an absolute http or https URL")
	}
	if u.User != nil {
		return nil, invalidOption("WithBaseURL", "credentials in the URL are not allowed; use WithAPIKey")
	}
	if u.Scheme == "http" && !c.insecureHTTP && !isLoopback(u.Hostname()) {
		return nil, invalidOption("WithBaseURL", "plain HTTP to a non-loopback host would send the token in clear; use https or WithInsecureHTTP")
	}
	u.RawQuery, u.Fragment = "", ""
	if u.Path == "" || u.Path[len(u.Path)-1] != '/' {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// validHeaderName reports whether s is a header field name (an RFC 9110
// token).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= 0x7f || b <= ' ' || strings.IndexByte(`"(),/:;<=>?@[\]{}`, b) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether s can be sent as a header field value:
// no control characters but tab, which would end the header or be refused.
func validHeaderValue(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f })
}
