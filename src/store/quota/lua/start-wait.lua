-- When a cost could start once the work queued ahead of it has gone first: the port of startWait
-- in src/core/limiter/start-wait.ts (waitAfter on the levels refilled to Redis server time).
-- Reads only: a question, nothing is taken or written.
-- KEYS[i]: bucket hash {l, t}. ARGV: n, reserveShare, then per bucket: capacity, rate (units per
-- ms), ahead (units queued before it), units (its own cost).
-- Returns {waitMs, level...} as strings. (bucket-lib.lua is prepended.)
local n = tonumber(ARGV[1])
local share = tonumber(ARGV[2])
local wait = 0
local out = {}
for i = 1, n do
  local b = 2 + (i - 1) * 4
  local cap, rate = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2])
  local ahead, units = tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])
  local level = read_bucket(KEYS[i], cap, rate)
  out[1 + i] = fmt(level)
  -- The reserve share is out of reach; the own cost counts up to the burst it may use (debt rule).
  local reserve, usable = 0, cap
  if share > 0 then
    reserve = cap * share
    usable = cap * (1 - share)
  end
  local own = units
  if own > usable then own = usable end
  local need = ahead + own
  local avail = level - reserve
  if need > avail then
    local w = math.huge
    if rate > 0 then w = (need - avail) / rate end
    if w > wait then wait = w end
  end
end
out[1] = fmt(wait)
return out
