package main

import (
	"errors"
	"io"
	"log/slog"
	"net/url"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/examples/internal/cli"
	"github.com/admin/api-go/redislimit"
	"github.com/redis/go-redis/v9"
)

// redisLimiter returns the client option that shares the rate limit
// through the Redis at rawURL, and a function that closes its connections;
// a nil option when rawURL is empty. Its one warning per outage goes to
// stderr.
func redisLimiter(rawURL string, stderr io.Writer) (admin.Option, func(), error) {
	if rawURL == "" {
		return nil, func() {}, nil
	}
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a password
		}
		return nil, nil, cli.Usagef("-redis: %v", err)
	}
	rdb := redis.NewClient(opts)
	lim := redislimit.New(rdb, redislimit.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	return admin.WithLimiter(lim), func() { _ = rdb.Close() }, nil
}
