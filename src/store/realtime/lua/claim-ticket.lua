-- Takes the earliest ticket if it is due within ARGV[1] ms (late is fine: its capacity was booked).
-- KEYS[1] zset member -> due time; ARGV: maxWaitMs, ttlMs. Returns {member, waitMs} or false.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if not first[1] then
  return false
end
local wait = math.max(0, math.ceil(tonumber(first[2]) - now))
if wait > tonumber(ARGV[1]) then
  return false
end
redis.call('ZREM', KEYS[1], first[1])
return {first[1], wait}
