package admin

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// This file exposes internals to the package's external tests.

// ParseRetryAfter is parseRetryAfter.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) { return parseRetryAfter(v, now) }

// Backoff is backoff.
func Backoff(p RetryPolicy, attempt int) time.Duration { return backoff(p, attempt) }

// CheckRedirect is checkRedirect.
func CheckRedirect(req *http.Request, via []*http.Request) error { return checkRedirect(req, via) }

// SetHooks installs the test hooks of c; call it before c's first call.
func SetHooks(c *Client, onWait func(time.Duration), onLimiter func()) {
	c.onWait, c.onLimiter = onWait, onLimiter
}

// KongItem is an item of a Kong-style test collection.
type KongItem struct {
	ID string `json:"id"`
}

// KongAll walks the Kong-style collection at path (relative to the base
// URL) from offset with the client's pager.
func KongAll(ctx context.Context, c *Client, path, offset string) iter.Seq2[KongItem, error] {
	return newPager(c, path, nil, kongStyle, func(i *KongItem) string { return i.ID }).all(ctx, offset)
}
