-- Dashboard sessions: one sorted set of session hashes (never the ids) scored by expiry, on Redis's
-- clock so the nodes' clocks do not matter. Drops expired entries, makes room past the maximum
-- (closest to expiry first), adds the new session, and lets the set expire with its newest one.
-- KEYS[1] sessions; ARGV: session hash, ttl ms, max sessions
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3]) + 1
if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1) end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
