-- A reader's socket took everything up to ARGV[1]: move its "delivered up to" cursor forward (never back).
-- KEYS: 1 history meta (hash). Nothing is created for a history that has expired.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local cur = tonumber(redis.call('HGET', KEYS[1], 'cur') or '0')
if tonumber(ARGV[1]) > cur then redis.call('HSET', KEYS[1], 'cur', ARGV[1]) end
return 1
