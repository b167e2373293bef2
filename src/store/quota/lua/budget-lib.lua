-- Shared by the budget-*.lua scripts (prepended when they are loaded; Redis scripts cannot
-- import): a tenant's budgets (src/core/tenancy/budget.ts ported line by line): per-minute
-- buckets for requests and tokens with a burst tolerance, UTC day counters (requests, tokens,
-- dollars) and a UTC month dollar counter, in Redis server time.
-- KEYS[1]: the tenant's hash {d, dr, dt, du, m, mu, rl, rt, tl, tt}.
-- Every step returns {code, dimension, retryAfterMs, now, d, dr, dt, du, m, mu, rl, rt, tl, tt}:
-- code 0 ok, 1 rate (dimension 1 requests, 2 tokens), 2 quota (1 usd/month, 2 usd/day,
-- 3 requests/day, 4 tokens/day), 3 no state stored (read) or not seeded (seed). Floats go back
-- as strings.
local MINUTE = 60000
local DAY = 86400000

local function fmt(x)
  if x == math.huge then return 'inf' end
  return string.format('%.17g', x)
end
local function opt(s)
  if s == nil or s == '' then return nil end
  return tonumber(s)
end

-- Days since 1970-01-01 <-> proleptic Gregorian date (H. Hinnant's civil_from_days).
local function civil(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp + 3
  if mp >= 10 then m = mp - 9 end
  if m <= 2 then y = y + 1 end
  return y, m, d
end
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = m - 3
  if m <= 2 then mp = m + 9 end
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end
local function calendar(ms)
  local y, m, d = civil(math.floor(ms / DAY))
  local ny, nm = y, m + 1
  if nm > 12 then ny, nm = y + 1, 1 end
  return string.format('%04d-%02d-%02d', y, m, d), string.format('%04d-%02d', y, m),
    DAY - ms % DAY, days_from_civil(ny, nm, 1) * DAY - ms
end


local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local today, month, toNextDay, toNextMonth = calendar(now)

local FIELDS = {'d', 'dr', 'dt', 'du', 'm', 'mu', 'rl', 'rt', 'tl', 'tt'}
local function load()
  local v = redis.call('HMGET', KEYS[1], unpack(FIELDS))
  if not v[5] then return nil end
  local s = {d = v[1], dr = tonumber(v[2]), dt = tonumber(v[3]), du = tonumber(v[4]), m = v[5], mu = tonumber(v[6])}
  if v[7] then s.rl, s.rt = tonumber(v[7]), tonumber(v[8]) end
  if v[9] then s.tl, s.tt = tonumber(v[9]), tonumber(v[10]) end
  return s
end
local function empty()
  return {d = today, dr = 0, dt = 0, du = 0, m = month, mu = 0}
end
-- rollover: the calendar counters restart when the day or the month changed.
local function rollover(s)
  if s.d ~= today then s.dr, s.dt, s.du = 0, 0, 0 end
  if s.m ~= month then s.mu = 0 end
  s.d, s.m = today, month
  return s
end
local function save(s, ttl)
  local args = {'d', s.d, 'dr', fmt(s.dr), 'dt', fmt(s.dt), 'du', fmt(s.du), 'm', s.m, 'mu', fmt(s.mu)}
  if s.rl then
    table.insert(args, 'rl') table.insert(args, fmt(s.rl))
    table.insert(args, 'rt') table.insert(args, fmt(s.rt))
  end
  if s.tl then
    table.insert(args, 'tl') table.insert(args, fmt(s.tl))
    table.insert(args, 'tt') table.insert(args, fmt(s.tt))
  end
  redis.call('HSET', KEYS[1], unpack(args))
  redis.call('PEXPIRE', KEYS[1], ttl)
end
local function reply(code, dim, retry, s)
  local out = {code, dim, fmt(retry), fmt(now)}
  if s then
    local rl, rt, tl, tt = '', '', '', ''
    if s.rl then rl, rt = fmt(s.rl), fmt(s.rt) end
    if s.tl then tl, tt = fmt(s.tl), fmt(s.tt) end
    local rest = {s.d, fmt(s.dr), fmt(s.dt), fmt(s.du), s.m, fmt(s.mu), rl, rt, tl, tt}
    for i = 1, #rest do out[4 + i] = rest[i] end
  end
  return out
end
-- minutePolicy and levelAt (src/core/limiter/bucket.ts).
local function policy(limit, burst)
  local b = burst
  if b < 0 then b = 0 end
  if b > 1 then b = 1 end
  local cap = limit * b
  if cap < 1 then cap = 1 end
  return cap, limit / MINUTE
end
local function level_at(level, at, cap, rate)
  local elapsed = 0
  if now > at then elapsed = now - at end
  local l = level + elapsed * rate
  if l > cap then l = cap end
  return l
end
