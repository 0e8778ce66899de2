package redislimit

import (
	"log/slog"
	"time"

	admin "github.com/admin/api-go"
)

type config struct {
	budget   int     // requests a minute; 0: the learned limit less the margin
	margin   float64 // the fraction of the learned limit kept in reserve
	timeout  time.Duration
	prefix   string
	logger   *slog.Logger
	fallback admin.Limiter
}

// An Option configures a Limiter.
type Option func(*config)

// WithBudget sets the fleet's budget to perMinute requests a minute, in
// place of the limit the server advertises less the margin. Values below 1
// leave the default.
func WithBudget(perMinute int) Option {
	return func(c *config) {
		if perMinute > 0 {
			c.budget = perMinute
		}
	}
}

// WithMargin sets the fraction of the server's advertised limit that the
// fleet leaves unused, 0.01 by default: at 1,000 requests a minute the
// fleet sends 990. Values outside [0, 0.9] leave the default.
func WithMargin(fraction float64) Option {
	return func(c *config) {
		if fraction >= 0 && fraction <= 0.9 {
			c.margin = fraction
		}
	}
}

// WithTimeout bounds each Redis operation, 50ms by default. An operation
// that takes longer counts as Redis being down: the call goes on under the
// fallback limiter. Values below 1ms leave the default.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d >= time.Millisecond {
			c.timeout = d
		}
	}
}

// WithKeyPrefix sets the prefix of the Limiter's Redis keys,
// "admin-api:ratelimit:" by default. Limiters share a budget only if they
// use the same prefix.
func WithKeyPrefix(prefix string) Option {
	return func(c *config) { c.prefix = prefix }
}

// WithLogger sets the logger of the Limiter's outage messages: one warning
// when Redis becomes unavailable and one message when it is back.
// slog.Default() by default; nil leaves the default.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithFallback sets the limiter that paces this process while Redis is
// unavailable, in place of the default: this process's share of the
// fleet's budget, or admin.NewAdaptiveLimiter() while the fleet's size is
// unknown. The Limiter reports every outcome to it, so that it knows the
// server's limit when it takes over. nil leaves the default.
func WithFallback(f admin.Limiter) Option {
	return func(c *config) {
		if f != nil {
			c.fallback = f
		}
	}
}
