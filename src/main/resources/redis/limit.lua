-- One call per client message: rate limit for (token, rate class), then daily and monthly byte quotas.
-- KEYS[1] rate bucket hash, KEYS[2] day counter, KEYS[3] month counter (same token: same hash slot)
-- ARGV: per_min, burst, now_ms, bytes, daily_quota, monthly_quota, ms_to_day_end, ms_to_month_end
-- Returns {code, retry_after_ms}: 0 allowed, 1 rate limited, 2 daily quota, 3 monthly quota.
local per_min = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local bytes = tonumber(ARGV[4])
if per_min <= 0 then return {1, 60000} end
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
if now > ts then tokens = math.min(burst, tokens + (now - ts) * per_min / 60000) end
-- the bucket is forgotten once it would be full again anyway
local ttl = math.max(60000, math.ceil(burst * 60000 / per_min) + 60000)
if tokens < 1 then
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(math.max(now, ts)))
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, math.max(1, math.ceil((1 - tokens) * 60000 / per_min))}
end
redis.call('HSET', KEYS[1], 't', tostring(tokens - 1), 'ts', tostring(math.max(now, ts)))
redis.call('PEXPIRE', KEYS[1], ttl)
if bytes > 0 then
  local day = tonumber(redis.call('GET', KEYS[2]) or '0')
  if day + bytes > tonumber(ARGV[5]) then return {2, tonumber(ARGV[7])} end
  local month = tonumber(redis.call('GET', KEYS[3]) or '0')
  if month + bytes > tonumber(ARGV[6]) then return {3, tonumber(ARGV[8])} end
  redis.call('INCRBY', KEYS[2], bytes)
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[7]))
  redis.call('INCRBY', KEYS[3], bytes)
  redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[8]))
end
return {0, 0}
