package redislimit

import "github.com/redis/go-redis/v9"

// The scripts keep every decision in one atomic step on the Redis server and
// take the time from the server's clock (TIME), so that the members of a
// fleet pace themselves by one clock whatever their own say. Times are
// microseconds since the Unix epoch, written with %.0f: exact below 2^53,
// where tostring would round.

// Replies of waitScript: {code, microseconds, members, limit}: members is
// the number of members that asked in the last member window, this one
// included, and limit the scope's limit a minute as the script knew it (0
// when no member knows it, -1 when the server advertises none, the budget
// when one is set).
const (
	codeGranted  = 0 // the attempt may go after the wait; its slot is taken
	codePaused   = 1 // the fleet is paused (Retry-After); ask again after the wait
	codeTooLong  = 2 // the slot is further off than the caller can wait; nothing taken
	codeLearning = 3 // no member knows the limit yet and one is asking the server; ask again after the wait
)

// The keys of a scope, in the order both scripts take them.
const (
	keyTAT     = "tat"
	keyLimit   = "limit"
	keyPause   = "pause"
	keyProbe   = "probe"
	keyMembers = "members"
)

// luaPrelude reads the clock and the pace shared by both scripts: the
// budget a minute (ARGV[1] when set, else the learned limit less the margin
// ARGV[2]), the interval between requests, and the burst tolerance tau of
// a burst of one second's budget, as the server's own bucket allows.
// limit is nil when no member knows it, negative when the server
// advertises none.
const luaPrelude = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local budget = tonumber(ARGV[1])
local limit = budget
if budget <= 0 then
  limit = tonumber(redis.call('GET', KEYS[2]) or '')
end
local function pace(limit)
  if budget <= 0 then
    limit = limit * (1 - tonumber(ARGV[2]))
  end
  local interval = 60000000 / limit
  return interval, interval * (math.max(1, math.floor(limit / 60)) - 1)
end
`

// waitScript takes one slot from a scope's budget with GCRA (the generic
// cell rate algorithm): one key holds the theoretical arrival time (TAT) of
// the next request. A slot that is free only later is taken now and its
// wait returned, so that waiters are served in turn, one round trip each.
//
// A missing TAT (a new scope, one idle for a minute, or a Redis that lost
// its state) starts the bucket with one request in it: the fleet then
// paces from its first request on and never bursts on a fresh Redis. A
// missing limit is restored from what the caller learned (ARGV[4]); when
// no member knows it, one request at a time is let through to learn it
// from the server's headers. A member back from an outage, during which it
// paced itself alone, starts the bucket with one request in it too: the
// members still pacing alone spend their share of the budget until they
// come back.
//
// Every call also records its member (ARGV[7]) in a sorted set scored by
// the time it last asked, drops the members not seen for the member window
// (ARGV[8]), and replies with how many are left: while Redis is down, each
// member paces itself at its share of the budget by that count.
//
// KEYS: tat, limit, pause, probe, members.
// ARGV: budget, margin, the longest wait the caller accepts (µs; negative
// for no bound), the caller's learned limit (0 if none, -1 if the server
// advertises none), limit TTL (ms), probe TTL (ms), member id, member
// window (µs), 1 when the caller is back from an outage (else 0).
var waitScript = redis.NewScript(luaPrelude + `
local window = tonumber(ARGV[8])
redis.call('ZADD', KEYS[5], string.format('%.0f', now), ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', string.format('(%.0f', now - window))
redis.call('PEXPIRE', KEYS[5], math.ceil(window / 1000))
local members = redis.call('ZCARD', KEYS[5])
local function reply(code, wait)
  return {code, wait, members, limit or 0}
end
local pause = tonumber(redis.call('GET', KEYS[3]) or '0')
if pause > now then
  return reply(1, pause - now)
end
if not limit then
  limit = tonumber(ARGV[4])
  if limit == 0 then
    if redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[6]) then
      return reply(0, 0)
    end
    return reply(3, math.min(math.max(redis.call('PTTL', KEYS[4]), 1), 50) * 1000)
  end
  redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5])
end
if limit < 0 then
  return reply(0, 0)
end
local interval, tau = pace(limit)
local tat = tonumber(redis.call('GET', KEYS[1]) or '')
if not tat or (ARGV[9] == '1' and tat < now + tau) then
  tat = now + tau
end
local wait = math.max(0, tat - tau - now)
local maxwait = tonumber(ARGV[3])
if maxwait >= 0 and wait > maxwait then
  return reply(2, math.ceil(wait))
end
local nxt = math.max(tat, now) + interval
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000) + 60000)
return reply(0, math.ceil(wait))
`)

// observeScript publishes what one answer taught: the server's limit, kept
// for a while so that a new member starts with what the fleet knows, and a
// pause from Retry-After that stops every member, the later of two pauses
// winning. The bucket is left with one request in it at the pause's end,
// so that the fleet resumes at the paced rate rather than in a burst.
//
// KEYS: tat, limit, pause.
// ARGV: budget, margin, the limit learned (requests a minute; -1 if the
// server advertises none; 0 to leave it as it is), limit TTL (ms),
// Retry-After (µs; 0 if none).
var observeScript = redis.NewScript(luaPrelude + `
local learned = tonumber(ARGV[3])
if learned ~= 0 then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
  if budget <= 0 then
    limit = learned
  end
end
local ra = tonumber(ARGV[5])
if ra <= 0 then
  return {0}
end
local resume = now + ra
if resume > tonumber(redis.call('GET', KEYS[3]) or '0') then
  redis.call('SET', KEYS[3], string.format('%.0f', resume), 'PX', math.ceil(ra / 1000) + 1)
end
if limit and limit > 0 then
  local interval, tau = pace(limit)
  local tat = resume + tau
  if tat > tonumber(redis.call('GET', KEYS[1]) or '0') then
    redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 60000)
  end
end
return {1}
`)
