-- Makes a connection the live one for (token, role) and reads the peer, atomically.
-- KEYS[1] presence hash of the token
-- ARGV: role, peer_role, "node|address|conn_id", ttl_ms of the entry (cluster.redis.presence_ttl_s)
-- Entries are "epoch|node|address|conn_id". Returns {self, replaced or '', peer or ''}.
local replaced = redis.call('HGET', KEYS[1], ARGV[1]) or ''
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
local self = epoch .. '|' .. ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], self)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
local peer = redis.call('HGET', KEYS[1], ARGV[2]) or ''
return {self, replaced, peer}
