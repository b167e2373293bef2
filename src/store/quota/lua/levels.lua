-- Reads bucket levels without changing them (levelAt of src/core/limiter/bucket.ts). Server time.
-- KEYS[i]: bucket hash {l, t}. ARGV: n, then per bucket: capacity, rate. Returns levels (strings).
-- (bucket-lib.lua is prepended.)
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local b = 1 + (i - 1) * 2
  out[i] = fmt((read_bucket(KEYS[i], tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]))))
end
return out
