-- Removes a connection if it is still the live one for (token, role).
-- KEYS[1] presence hash; ARGV: role, peer_role, the entry as registered
-- Returns the peer entry ('' if none) when removed, or false when it had been replaced.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[3] then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return redis.call('HGET', KEYS[1], ARGV[2]) or ''
