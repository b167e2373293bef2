-- charge tokens rpm tpm burst rpd tpd usdDay usdMonth ttlMs ('' = no such limit) (budget-lib.lua is prepended.)
-- charge: chargeBudget. A refusal writes nothing and answers with the rolled-over state.
local tokens = tonumber(ARGV[1])
local rpm, tpm, burst = opt(ARGV[2]), opt(ARGV[3]), tonumber(ARGV[4])
local rpd, tpd, usd_day, usd_month = opt(ARGV[5]), opt(ARGV[6]), opt(ARGV[7]), opt(ARGV[8])
local ttl = tonumber(ARGV[9])
local s = rollover(load() or empty())
if usd_month and s.mu >= usd_month then return reply(2, 1, toNextMonth, s) end
if usd_day and s.du >= usd_day then return reply(2, 2, toNextDay, s) end
if rpd and s.dr + 1 > rpd then return reply(2, 3, toNextDay, s) end
if tpd and s.dt + tokens > tpd then return reply(2, 4, toNextDay, s) end

local next_levels = {}
local dims = {{rpm, 1, 'rl', 'rt'}, {tpm, tokens, 'tl', 'tt'}}
for i = 1, 2 do
  local limit, cost, lk, ak = dims[i][1], dims[i][2], dims[i][3], dims[i][4]
  if limit then
    local cap, rate = policy(limit, burst)
    local level = cap
    if s[lk] then level = level_at(s[lk], s[ak], cap, rate) end
    if cost > limit then return reply(1, i, math.huge, s) end
    local need = cost
    if need > cap then need = cap end
    if level < need then return reply(1, i, math.ceil((need - level) / rate), s) end
    next_levels[i] = level - cost
  end
end
if next_levels[1] then s.rl, s.rt = next_levels[1], now end
if next_levels[2] then s.tl, s.tt = next_levels[2], now end
s.dr = s.dr + 1
s.dt = s.dt + tokens
save(s, ttl)
return reply(0, 0, 0, s)
