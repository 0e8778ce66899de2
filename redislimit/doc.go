// Package redislimit shares an organisation's Admin API rate limit between
// every process that holds its keys, through Redis (or Valkey), standalone
// or Cluster.
//
// An admin.Client paces itself by the limit the server advertises in its
// X-RateLimit-* headers, but alone: three replicas of an integration, a
// nightly sync and a one-off script each spend the whole budget, and the
// server answers the excess 429. A Limiter from this package keeps the
// budget in Redis instead, so that they spend it together:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	c, err := admin.NewClient(admin.WithAPIKey(key), admin.WithLimiter(redislimit.New(rdb)))
//
// # What is shared
//
// Budgets are kept per scope (admin.Scope): one base URL and one
// principal. The Redis keys hold the scope's Key, a hash that the Client
// computes, never a key or a token, so two organisations, or two keys of
// one, never share a budget on one Redis. All keys of a scope carry it as a
// hash tag, "{...}", and so lie in one Cluster slot.
//
// The budget is the limit the server advertises, less a margin (5% by
// default, WithMargin), or one you set (WithBudget). The limit learned from
// the headers is kept in Redis for ten minutes after the last answer that
// told it, so a new process starts with what the fleet knows; while no
// member knows it, one attempt at a time goes out to learn it. A 429 or
// 503 with Retry-After pauses every member until then.
//
// # Algorithm and client, and why
//
// One Lua script per Wait, run with EVALSHA (go-redis loads it again after
// NOSCRIPT), takes a slot with GCRA, the generic cell rate algorithm also
// used by github.com/go-redis/redis_rate: a single key holds the time the
// next slot frees, paced at the budget's rate with a burst of one second's
// budget, as the server's own bucket allows. A slot that frees only later
// is taken at once and its wait returned, so waiters are served in turn
// with one round trip each; one that frees after the caller's deadline is
// not taken, and Wait returns ErrWaitTooLong at once. The script reads the
// Redis server's clock, so the fleet paces by one clock.
//
// A sliding-window log (a sorted set of the last minute's requests) was
// measured against it, with the same script harness and go-redis, on a
// local redis-server 7.0 (2 shared cores, loaded; 6 runs each):
//
//	                      serial round trip   16 goroutines   memory a scope at 1,000/min
//	GCRA                  ~160 µs             ~69 µs/op       48 B (one string)
//	sliding-window log    ~153 µs             ~71 µs/op       122,584 B (1,000 members)
//
// The round trips are alike; the log costs 2,500 times the memory and lets a
// whole minute's budget out in one burst, which the server's one-second
// bucket would answer 429. GCRA it is.
//
// github.com/redis/rueidis ran the GCRA script at ~34 µs/op with 16
// goroutines (auto-pipelining; 3 allocations against go-redis's 15) and at
// the same ~165 µs serially. A Wait precedes an HTTP call that takes
// milliseconds, so the difference is below noise for a fleet, while
// github.com/redis/go-redis/v9 is the client most programs already hold:
// New takes any redis.Scripter (*redis.Client, *redis.ClusterClient,
// *redis.Ring), so the program passes its own. BenchmarkWait times a Wait
// through this package against the in-process limiter.
//
// # Restart safety
//
// A scope whose slot key is missing, because it is new, idle for a minute
// or lost with Redis's state (a restart without persistence, a FLUSHALL,
// a failover), starts with one slot in the bucket rather than a full one:
// the fleet goes on at the paced rate and never bursts past the limit on a
// fresh Redis. A member that knew the limit writes it back with its next
// Wait. The cost is one second's burst not used after a minute of idleness.
//
// # When Redis fails
//
// Each Redis operation is bounded by a timeout (50ms by default,
// WithTimeout), whether or not the client heeds context deadlines. When
// one fails or times out, Wait goes on with the fallback limiter
// (admin.NewAdaptiveLimiter by default, WithFallback), which paces this
// process alone by the limit it has learnt, and never fails the call for
// it. One warning is logged per outage (WithLogger), and one message when
// Redis answers again; the Limiter probes it with one call at a time after
// a backoff (250ms, doubling to 5s). Observe publishes in the background,
// at most 8 publications at a time, and never waits for Redis.
package redislimit
