-- Lowers buckets to at most a ceiling (what the upstream says is left), never raises them:
-- the port of tighten in src/core/limiter/bucket.ts. Server time.
-- KEYS[i]: bucket hash {l, t}. ARGV: n, then per bucket: capacity, rate, ceiling ('inf' = none).
-- Returns the new levels (strings). (bucket-lib.lua is prepended.)
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local b = 1 + (i - 1) * 3
  local cap, rate, ceiling = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), math.huge
  if ARGV[b + 3] ~= 'inf' then ceiling = tonumber(ARGV[b + 3]) end
  local level, at = read_bucket(KEYS[i], cap, rate)
  if ceiling < level then level = ceiling end
  write_bucket(KEYS[i], cap, rate, level, at)
  out[i] = fmt(level)
end
return out
