-- A fixed window per key (e.g. wrong invite codes from one client IP per 10 minutes), in one call.
-- 'hit' counts an event (INCR; the first starts the window with PEXPIRE); 'peek' counts nothing.
-- Returns -1 if the key may act (a hit: this event is allowed), else the ms until the window ends.
-- KEYS[1] counter; ARGV: limit, window ms, 'hit' or 'peek'
local limit = tonumber(ARGV[1])
local before
if ARGV[3] == 'hit' then
  before = redis.call('INCR', KEYS[1]) - 1
  if before == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
else
  before = tonumber(redis.call('GET', KEYS[1]) or '0')
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 then -- a counter without a window (never left so by this script): give it one
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
if before < limit then return -1 end
return math.max(ttl, 1)
