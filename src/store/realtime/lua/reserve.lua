-- Token bucket with reservations; the port of reserveStep in ../bucket-step.ts.
-- KEYS[1] bucket hash {level, at}; ARGV: capacity, refillPerMs, cost, maxWaitMs.
-- Returns {ok (1|0), waitMs}. Time is Redis server time, so every instance agrees.
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000

local level = capacity
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
if state[1] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  level = math.min(capacity, tonumber(state[1]) + elapsed * rate)
end

local ok = 1
local wait = 0
if level >= cost then
  level = level - cost
else
  wait = math.ceil((cost - level) / rate)
  if wait <= max_wait then
    level = level - cost
  else
    ok = 0
  end
end
redis.call('HSET', KEYS[1], 'level', string.format('%.17g', level), 'at', string.format('%.17g', now))
-- The key is only needed until the bucket is full again.
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - level) / rate) + 1000)
return {ok, wait}
