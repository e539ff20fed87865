-- One token's invite index: a sorted set of its code hashes by expiry. Drops expired entries, adds
-- the new code, and past the per-token maximum removes the oldest and returns them (the caller
-- deletes their invite keys, which live in other slots).
-- KEYS[1] index; ARGV: code hash, now ms, expires-at ms, max live, index ttl ms
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
local evicted = {}
if over > 0 then
  evicted = redis.call('ZRANGE', KEYS[1], 0, over - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return evicted
