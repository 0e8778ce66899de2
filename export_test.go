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

// KongItem is an item of a Kong-style test collection.
type KongItem struct {
	ID string `json:"id"`
}

// KongAll walks the Kong-style collection at path (relative to the base
// URL, without parameters) from offset with the client's pager.
func KongAll(ctx context.Context, c *Client, path, offset string) iter.Seq2[KongItem, error] {
	return newPager(c, static("/"+path), nil, kongStyle, func(i *KongItem) string { return i.ID }).all(ctx, offset)
}

// ScopeOf returns the Scope of c.
func ScopeOf(c *Client) Scope { return c.scope }
