-- settle deltaTokens usd tpm burst ttlMs (budget-lib.lua is prepended.)
-- settleBudget: correct the tokens by the real usage, add the dollars.
local delta, usd, tpm, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), opt(ARGV[3]), tonumber(ARGV[4])
local s = rollover(load() or empty())
local dt = s.dt + delta
if dt < 0 then dt = 0 end
s.dt = dt
s.du = s.du + usd
s.mu = s.mu + usd
if tpm and s.tl then
  local cap, rate = policy(tpm, burst)
  local level = level_at(s.tl, s.tt, cap, rate) - delta
  if level > cap then level = cap end
  s.tl, s.tt = level, now
end
save(s, tonumber(ARGV[5]))
return reply(0, 0, 0, s)
