-- Where a reader connecting now starts in its history.
-- KEYS: 1 history meta (hash), 2 history stream, 3 ids (hash)
-- ARGV: 1 "resume" or "cursor", 2 last_id ("" for none), 3 now_ms, 4 ttl_ms
-- Returns {after, head, count, complete (1/0)}: the reader gets the `count` kept messages after `after`.
-- An empty history is started here, so the reader knows the number the first kept message will have.
-- Numbers grow by one except where limit.lua's floor skipped some (noted as 'g:<seq>' in the meta hash).
local last = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if last == 0 then
  last = tonumber(ARGV[3]) * 1000 - 1
  redis.call('HSET', KEYS[1], 'seq', string.format('%.0f', last))
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
end
local trim = tonumber(redis.call('HGET', KEYS[1], 'trim') or '0')
local cur = tonumber(redis.call('HGET', KEYS[1], 'cur') or '0')
local after = 0
local complete = 1
if ARGV[1] == 'cursor' then
  after = cur
  if trim > cur then complete = 0 end
elseif ARGV[2] == '' then
  if trim > 0 then complete = 0 end
else
  local s = redis.call('HGET', KEYS[3], ARGV[2])
  if s then after = tonumber(s) else complete = 0 end
end
local count = 0
if after < last and redis.call('XLEN', KEYS[2]) > 0 then
  local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)[1]
  local fseq = tonumber(string.match(first[1], '^(%d+)'))
  local base = math.max(after, fseq - 1)
  count = last - base
  -- numbers skipped after a failover (limit.lua's floor, 'g:<seq>' = how many just before seq) are no messages
  local meta = redis.call('HGETALL', KEYS[1])
  for j = 1, #meta, 2 do
    local at = tonumber(string.match(meta[j], '^g:(%d+)$') or '')
    if at then
      local skipped = tonumber(meta[j + 1])
      if at <= fseq then redis.call('HDEL', KEYS[1], meta[j])
      elseif base < at - skipped then count = count - skipped
      elseif base < at then count = count - (at - 1 - base) end
    end
  end
end
return {after, last, count, complete}
