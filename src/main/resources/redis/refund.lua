-- Gives back quota bytes charged for a message that was then not delivered.
-- KEYS[1] day counter, KEYS[2] month counter; ARGV[1] bytes. Only existing counters (a period
-- that rolled over meanwhile is not touched), never below zero.
for i = 1, 2 do
  local v = tonumber(redis.call('GET', KEYS[i]) or '-1')
  if v >= 0 then
    redis.call('DECRBY', KEYS[i], math.min(v, tonumber(ARGV[1])))
  end
end
return 0
