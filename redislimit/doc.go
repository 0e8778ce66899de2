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
// The budget is the limit the server advertises, less a margin (1% by
// default, WithMargin), or one you set (WithBudget). The margin is small
// because the whole fleet is paced by one clock, Redis's: jitter between
// members' clocks cannot add up to a burst, and what is left to guard
// against is the server's own bucket timing, for which 1% is the in-process
// limiter's margin too. At 5%, a fleet of 4 processes of 8 workers reached
// 95% of a limit of 600 a minute; at 1%, 98% with no 429 (benchmark (f) in
// docs/PERFORMANCE.md). The limit learned from
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
// local redis-server 7.0 (2 cores shared with other work; means of 5 runs):
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
// the same ~165 µs serially. A second run, on a busier machine, doubled
// every figure and kept the order (rueidis 130 µs/op against go-redis's
// 282 µs/op with 16 goroutines). A Wait precedes an HTTP call that takes
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
// A member back from an outage starts the bucket with one slot too.
//
// # When Redis fails
//
// Each Redis operation is bounded by a timeout (50ms by default,
// WithTimeout), whether or not the client heeds context deadlines. When
// one fails or times out, Wait goes on without Redis and never fails the
// call for it: it paces this process at its share of the budget, the
// budget divided by the fleet's members. Each Wait records its Limiter
// (a random id) in a sorted set of the scope, in the same script, and
// learns how many members asked in the last 15 seconds; the share uses
// the most of these counts in the last 15 seconds, so that a Redis that
// lost the set just before failing (a restart, then an outage) does not
// make the share of the members that asked again too large. While Redis is
// down, a 429 or 503 with Retry-After pauses this process's calls until
// then, and the slots Redis granted before the outage are spent first.
// When Redis is back, the waits at the share end and take slots from the
// shared budget again.
//
// With no count known (Redis was never reached), or with a fallback of
// one's own (WithFallback), Wait goes on with the fallback limiter
// (admin.NewAdaptiveLimiter by default), which paces this process alone by
// the limit it has learnt, the whole of it. One warning is logged per
// outage (WithLogger), and one message when Redis answers again; the
// Limiter probes it with one call at a time after a backoff (250ms,
// doubling to 1s: a member that has not probed yet spends its share on top
// of the budget that the members back take). Observe publishes in the
// background, at most 8 publications at a time, and never waits for Redis.
//
// A Wait whose context ends while it sleeps until its slot gives the slot
// up unused: the fleet then sends a little under its budget, never over.
//
// # What is tested
//
// The tests start a real redis-server (7.0 here) on a free loopback port:
// standalone, restarted, flushed, killed and stopped with SIGSTOP (each
// member of a fleet then gets its share, and all of the budget once Redis
// is back), and a
// Cluster of three masters made with redis-cli --cluster create. Without
// redis-server they skip, naming the package to install, and fail when
// the CI variable is set. Valkey, a fork of Redis 7.2 that runs the same
// scripts, has no package in this project's package sources, so CI tests
// Redis only; the same tests, Cluster included, passed against a Valkey
// built from its source (the development head after 8.0.1) put first on
// PATH as redis-server and redis-cli, on 2026-12-03.
package redislimit
