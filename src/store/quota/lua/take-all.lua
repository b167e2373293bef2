-- All-or-nothing take across a pool's buckets: the port of takeAll in src/core/limiter/take-all.ts
-- (waitFor of bucket.ts inlined, levelAt in bucket-lib.lua). Redis server time, never an instance's.
-- KEYS[i]: bucket hash {l = level, t = ms of the last update}, one per dimension.
-- ARGV: n, reserveShare, then per bucket: limit, capacity, rate (units per ms), units.
-- Returns {allowed, waitMs, limitedBy (1-based, 0 = none), tooLarge (1-based, 0 = none), now, level...}
-- (bucket-lib.lua is prepended.)
local EPSILON = 1e-9
local n = tonumber(ARGV[1])
local share = tonumber(ARGV[2])
local levels, ats, limits, caps, rates, units = {}, {}, {}, {}, {}, {}
for i = 1, n do
  local b = 2 + (i - 1) * 4
  limits[i] = tonumber(ARGV[b + 1])
  caps[i] = tonumber(ARGV[b + 2])
  rates[i] = tonumber(ARGV[b + 3])
  units[i] = tonumber(ARGV[b + 4])
  levels[i], ats[i] = read_bucket(KEYS[i], caps[i], rates[i])
end

local function reply(allowed, wait, limited, too_large)
  local out = {allowed, fmt(wait), limited, too_large, fmt(now)}
  for i = 1, n do out[5 + i] = fmt(levels[i]) end
  return out
end

local wait = 0
local limited = 0
for i = 1, n do
  -- A cost above the upstream limit can never pass: say so at once, take nothing.
  if units[i] > limits[i] then return reply(0, math.huge, i, i) end
  -- The reserve share is out of reach: run waitFor on a view shifted down by it.
  local cap, level = caps[i], levels[i]
  if share > 0 then
    level = level - cap * share
    cap = cap * (1 - share)
  end
  -- Debt rule: a cost above the burst needs a full bucket, then goes below zero.
  local need = units[i]
  if need > cap then need = cap end
  local w = 0
  -- EPSILON as in bucket.ts: float rounding must not fail a take made exactly waitMs later.
  if level < need - EPSILON then
    if rates[i] <= 0 then w = math.huge else w = (need - level) / rates[i] end
  end
  if w > wait then
    wait = w
    limited = i
  end
end

-- A rejection writes nothing: the stored state refills to the same level, never zeroed.
if wait > 0 then return reply(0, wait, limited, 0) end

for i = 1, n do
  levels[i] = levels[i] - units[i]
  write_bucket(KEYS[i], caps[i], rates[i], levels[i], ats[i])
end
return reply(1, 0, 0, 0)
