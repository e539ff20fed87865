-- Makes a connection the live one for (token, role) and reads the peer, atomically.
-- KEYS[1] presence hash of the token
-- ARGV: role, peer_role, "node|address|conn_id"
-- Entries are "epoch|node|address|conn_id". Returns {self, replaced or '', peer or ''}.
local replaced = redis.call('HGET', KEYS[1], ARGV[1]) or ''
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
local self = epoch .. '|' .. ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], self)
redis.call('PEXPIRE', KEYS[1], 2592000000)
local peer = redis.call('HGET', KEYS[1], ARGV[2]) or ''
return {self, replaced, peer}
