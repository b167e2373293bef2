-- Reads bucket levels without changing them (levelAt of src/core/limiter/bucket.ts). Server time.
-- KEYS[i]: bucket hash {l, t}. ARGV: n, then per bucket: capacity, rate. Returns levels (strings).
local n = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local out = {}
for i = 1, n do
  local b = 1 + (i - 1) * 2
  local cap, rate = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2])
  local level = cap
  local s = redis.call('HMGET', KEYS[i], 'l', 't')
  if s[1] then
    local sl, sa = tonumber(s[1]), tonumber(s[2])
    local elapsed = 0
    if now > sa then elapsed = now - sa end
    level = sl + elapsed * rate
    if level > cap then level = cap end
  end
  out[i] = string.format('%.17g', level)
end
return out
