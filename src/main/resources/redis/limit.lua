-- One call per client message: rate limit for (token, rate class), then daily and monthly byte quotas;
-- for a message kept in the token's history (reliable delivery: 6 keys), in the same call, a duplicate
-- id check before the quotas (a resend is not charged again) and keeping + trimming after them.
-- KEYS: 1 rate bucket, 2 day counter, 3 month counter (same token: same hash slot);
--       when kept: 4 history meta (hash), 5 history stream, 6 ids (hash), 7 the token's presence (hash)
-- ARGV: 1 per_min, 2 burst, 3 now_ms, 4 bytes, 5 daily_quota, 6 monthly_quota, 7 ms_to_day_end,
--       8 ms_to_month_end; when kept: 9 message id, 10 frame, 11 sender ref, 12 wants ack (1/0),
--       13 max messages, 14 max bytes, 15 ttl ms, 16 sender role, 17 sender epoch, 18 floor: the highest
--       number the sender connection knows its messages were given (0: none)
-- Returns {code, retry_after_ms}: 0 allowed, 1 rate limited, 2 daily quota, 3 monthly quota, 4 fenced
-- (the sender is no longer its role's registered connection: replaced while its node could not hear
-- of it — a partition, a long pause — so it must not be heard, nor numbered into the history); an allowed
-- kept message {0, 0, seq, duplicate (1/0), delivered (1/0), trimmed before delivery}. Sequence numbers
-- grow by one; a history that expired restarts at now_ms * 1000; and a number is always above the floor.
-- The floor matters after a Sentinel failover that lost the newest writes: the promoted replica's
-- counter is behind what the old master gave (and readers already got); without it numbering would
-- restart below them. Each number skipped that way is noted in the meta hash ('g:<seq>' = how many
-- were skipped just before seq) so history_open.lua still counts what a reader will be replayed.
local per_min = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local bytes = tonumber(ARGV[4])
local keep = #KEYS > 3
if keep then
  local current = redis.call('HGET', KEYS[7], ARGV[16])
  if current and string.match(current, '^(%d+)') ~= ARGV[17] then return {4, 0} end
end
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

local cur = 0
if keep then
  cur = tonumber(redis.call('HGET', KEYS[4], 'cur') or '0')
  local existing = redis.call('HGET', KEYS[6], ARGV[9])
  if existing then
    local s = tonumber(existing)
    local delivered = 0
    if s <= cur then delivered = 1 end
    return {0, 0, s, 1, delivered, 0}
  end
end

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
if not keep then return {0, 0} end

local last = tonumber(redis.call('HGET', KEYS[4], 'seq') or '0')
local seq = now * 1000
if last > 0 then seq = last + 1 end
local floor = tonumber(ARGV[18] or '0') or 0
if floor >= seq then
  if last > 0 then redis.call('HSET', KEYS[4], 'g:' .. string.format('%.0f', floor + 1), string.format('%.0f', floor + 1 - seq)) end
  seq = floor + 1
end
local sid = string.format('%.0f', seq)
redis.call('XADD', KEYS[5], sid .. '-1', 'i', ARGV[9], 'f', ARGV[10], 's', ARGV[11], 'a', ARGV[12], 't', ARGV[3])
redis.call('HSET', KEYS[6], ARGV[9], sid)
redis.call('HSET', KEYS[4], 'seq', sid)
local total = redis.call('HINCRBY', KEYS[4], 'bytes', string.len(ARGV[10]))

local max_n = tonumber(ARGV[13])
local max_b = tonumber(ARGV[14])
local oldest = now - tonumber(ARGV[15])
local n = redis.call('XLEN', KEYS[5])
local lost = 0
while n > 0 do
  local first = redis.call('XRANGE', KEYS[5], '-', '+', 'COUNT', 1)[1]
  local f = {}
  for j = 1, #first[2], 2 do f[first[2][j]] = first[2][j + 1] end
  if n <= max_n and total <= max_b and tonumber(f['t']) >= oldest then break end
  redis.call('XDEL', KEYS[5], first[1])
  redis.call('HDEL', KEYS[6], f['i'])
  total = redis.call('HINCRBY', KEYS[4], 'bytes', -string.len(f['f']))
  local fseq = tonumber(string.match(first[1], '^(%d+)'))
  redis.call('HSET', KEYS[4], 'trim', string.format('%.0f', fseq))
  if fseq > cur then lost = lost + 1 end
  n = n - 1
end
local keep_ms = tonumber(ARGV[15])
redis.call('PEXPIRE', KEYS[4], keep_ms)
redis.call('PEXPIRE', KEYS[5], keep_ms)
redis.call('PEXPIRE', KEYS[6], keep_ms)
return {0, 0, seq, 0, 0, lost}
