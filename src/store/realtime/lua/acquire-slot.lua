-- A capped set of live sessions. KEYS[1] zset member -> expiry (server ms).
-- ARGV: member, cap, ttlMs. Returns {ok (1|0), count, retryAfterMs}.
local member = ARGV[1]
local cap = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local count = redis.call('ZCARD', KEYS[1])
local held = redis.call('ZSCORE', KEYS[1], member)
if (not held) and count >= cap then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local wait = math.max(1, math.ceil(tonumber(first[2]) - now))
  return {0, count, wait}
end
redis.call('ZADD', KEYS[1], now + ttl, member)
-- The set itself goes when its last member would have expired.
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], math.ceil(tonumber(last[2])) + 1000)
if held then
  return {1, count, 0}
end
return {1, count + 1, 0}
