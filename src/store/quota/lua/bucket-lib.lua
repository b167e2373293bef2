-- Shared by take-all, adjust, tighten and levels (prepended when they are loaded; Redis scripts
-- cannot import): server time, float formatting, and one bucket read and write, the ports of
-- levelAt and the stored state of src/core/limiter/bucket.ts.
-- A bucket is a hash {l = level, t = ms of the last update}; a missing key reads as a full bucket.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000

-- Floats go back as strings: Redis would truncate Lua numbers to integers.
local function fmt(x)
  if x == math.huge then return 'inf' end
  return string.format('%.17g', x)
end

-- The level at `now` (continuous fractional refill; time running backwards refills nothing) and
-- the update time to keep (never moved back).
local function read_bucket(key, cap, rate)
  local s = redis.call('HMGET', key, 'l', 't')
  if not s[1] then return cap, now end
  local level, at = tonumber(s[1]), tonumber(s[2])
  local elapsed = 0
  if now > at then elapsed = now - at end
  level = level + elapsed * rate
  if level > cap then level = cap end
  if at < now then at = now end
  return level, at
end

-- A key is needed only until its bucket is full again; a refill too slow to bound (rate 0 or
-- tiny) keeps the key for good rather than lose debt.
local MAX_TTL_MS = 7776000000
local function write_bucket(key, cap, rate, level, at)
  redis.call('HSET', key, 'l', fmt(level), 't', fmt(at))
  local ms = math.huge
  if rate > 0 then ms = math.ceil(2 * (cap - level) / rate) + 1000 end
  if ms < MAX_TTL_MS then redis.call('PEXPIRE', key, ms) else redis.call('PERSIST', key) end
end
