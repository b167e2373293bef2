-- An upstream 429 knows better: the bucket holds nothing for ARGV[3] ms. Port of penalizeStep.
-- KEYS[1] bucket hash {level, at}; ARGV: capacity, refillPerMs, ms.
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local ms = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000

local level = capacity
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
if state[1] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  level = math.min(capacity, tonumber(state[1]) + elapsed * rate)
end
level = math.min(level, -ms * rate)
redis.call('HSET', KEYS[1], 'level', string.format('%.17g', level), 'at', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - level) / rate) + 1000)
return 1
