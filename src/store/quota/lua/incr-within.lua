-- A budget counter over fixed windows aligned on multiples of windowMs since the epoch (a day
-- window resets at 00:00 UTC), in Redis server time. Adds `amount` unless used + amount > limit.
-- KEYS[1]: counter hash {w = window index, v = used}. ARGV: amount, windowMs, limit ('inf' = none).
-- Returns {allowed, used (string), resetMs (string)}.
local amount = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = math.huge
if ARGV[3] ~= 'inf' then limit = tonumber(ARGV[3]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local index = math.floor(now / window)
local reset = (index + 1) * window - now

local used = 0
local s = redis.call('HMGET', KEYS[1], 'w', 'v')
if s[1] and tonumber(s[1]) == index then used = tonumber(s[2]) end

if amount > 0 and used + amount > limit then
  return {0, string.format('%.17g', used), string.format('%.17g', reset)}
end
used = used + amount
redis.call('HSET', KEYS[1], 'w', string.format('%d', index), 'v', string.format('%.17g', used))
redis.call('PEXPIRE', KEYS[1], math.ceil(reset) + 1000)
return {1, string.format('%.17g', used), string.format('%.17g', reset)}
