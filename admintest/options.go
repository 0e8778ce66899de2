package admintest

import (
	"net/http"
	"time"
)

// Option configures a server built by NewServer, Listen or NewHandler.
type Option func(*config)

type config struct {
	rateLimit    int
	latency      time.Duration
	faults       Faults
	seedUsers    int
	seedGroups   int
	seedProjects int
	clock        func() time.Time
	tokenTTL     time.Duration
	middleware   []func(http.Handler) http.Handler
	addr         string
	adminKey     string
}

func newConfig(opts []Option) config {
	cfg := config{clock: time.Now, tokenTTL: time.Hour}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.clock == nil {
		cfg.clock = time.Now
	}
	if cfg.tokenTTL <= 0 {
		cfg.tokenTTL = time.Hour
	}
	return cfg
}

// WithRateLimit limits every principal (API key or OAuth client) to perMinute
// requests a minute with a token bucket: it refills at perMinute/60 tokens a second
// and holds one second's worth (at least one token), so the server enforces a steady
// rate rather than a burst and then a blocked minute. The contract's production figure
// is 1000. Without this option, or with perMinute <= 0, the server never answers 429
// for rate and reports X-RateLimit-Limit and X-RateLimit-Remaining as 1000000.
func WithRateLimit(perMinute int) Option {
	return func(c *config) { c.rateLimit = perMinute }
}

// WithLatency delays every /v1 request by d before it is handled. The delay ends
// early when the request's context is done or the server closes.
func WithLatency(d time.Duration) Option {
	return func(c *config) { c.latency = d }
}

// WithFaults makes the server misbehave on a fraction of requests; see Faults.
func WithFaults(f Faults) Option {
	return func(c *config) { c.faults = f }
}

// WithSeedData adds the given numbers of users, groups and projects to the store
// at start. The seed is deterministic apart from ids: user i (from 1) is named
// "Seed User i" with email seed-user-i@example.com, group i is "group-i" and
// project i is "project-i".
func WithSeedData(users, groups, projects int) Option {
	return func(c *config) {
		c.seedUsers, c.seedGroups, c.seedProjects = max(users, 0), max(groups, 0), max(projects, 0)
	}
}

// WithClock sets the server's clock. Timestamps, token expiry, idempotency key
// expiry, audit retention and the rate limiter's refill all follow it.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.clock = now }
}

// WithTokenTTL sets the lifetime of OAuth access tokens (default one hour).
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) { c.tokenTTL = d }
}

// WithMiddleware wraps the server's handler in mw, inside the layer that sets
// X-Request-Id and records requests. Several middlewares nest in the order given:
// the first is outermost.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(c *config) {
		if mw != nil {
			c.middleware = append(c.middleware, mw)
		}
	}
}

// WithAddr makes NewServer and Listen listen on addr (host:port) instead of a
// random loopback port. NewHandler ignores it.
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithAdminKey sets the default admin API key instead of a random one, for
// callers of NewHandler who have no Server to read the key from.
func WithAdminKey(key string) Option {
	return func(c *config) { c.adminKey = key }
}
