-- Refunds (amount > 0) or charges (amount < 0) buckets: the port of adjust in
-- src/core/limiter/bucket.ts, never above capacity. Server time.
-- KEYS[i]: bucket hash {l, t}. ARGV: n, then per bucket: capacity, rate, amount.
-- Returns the new levels (strings).
local n = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
-- A key is needed only until its bucket is full again (a missing key reads as a full bucket);
-- a refill too slow to bound (rate 0 or tiny) keeps the key for good rather than lose debt.
local MAX_TTL_MS = 7776000000
local function expire(key, cap, level, rate)
  local ms = math.huge
  if rate > 0 then ms = math.ceil(2 * (cap - level) / rate) + 1000 end
  if ms < MAX_TTL_MS then redis.call('PEXPIRE', key, ms) else redis.call('PERSIST', key) end
end
local out = {}
for i = 1, n do
  local b = 1 + (i - 1) * 3
  local cap, rate, amount = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local level, at = cap, now
  local s = redis.call('HMGET', KEYS[i], 'l', 't')
  if s[1] then
    local sl, sa = tonumber(s[1]), tonumber(s[2])
    local elapsed = 0
    if now > sa then elapsed = now - sa end
    level = sl + elapsed * rate
    if level > cap then level = cap end
    if sa > now then at = sa end
  end
  level = level + amount
  if level > cap then level = cap end
  redis.call('HSET', KEYS[i], 'l', string.format('%.17g', level), 't', string.format('%.17g', at))
  expire(KEYS[i], cap, level, rate)
  out[i] = string.format('%.17g', level)
end
return out
