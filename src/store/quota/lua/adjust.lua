-- Refunds (amount > 0) or charges (amount < 0) buckets: the port of adjust in
-- src/core/limiter/bucket.ts, never above capacity. Server time.
-- KEYS[i]: bucket hash {l, t}. ARGV: n, then per bucket: capacity, rate, amount.
-- Returns the new levels (strings). (bucket-lib.lua is prepended.)
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local b = 1 + (i - 1) * 3
  local cap, rate, amount = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local level, at = read_bucket(KEYS[i], cap, rate)
  level = level + amount
  if level > cap then level = cap end
  write_bucket(KEYS[i], cap, rate, level, at)
  out[i] = fmt(level)
end
return out
