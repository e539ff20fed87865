-- Whether a dashboard session is live: 1, else 0 (an expired entry is removed on the way).
-- KEYS[1] sessions; ARGV[1] session hash
local expires = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expires then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(expires) > now then return 1 end
redis.call('ZREM', KEYS[1], ARGV[1])
return 0
