-- merge day requests tokens usd month monthUsd ttlMs: usage counted elsewhere (degraded), added. (budget-lib.lua is prepended.)
local s = rollover(load() or empty())
if ARGV[1] == s.d then
  s.dr = s.dr + tonumber(ARGV[2])
  s.dt = s.dt + tonumber(ARGV[3])
  if s.dt < 0 then s.dt = 0 end
  s.du = s.du + tonumber(ARGV[4])
end
if ARGV[5] == s.m then s.mu = s.mu + tonumber(ARGV[6]) end
save(s, tonumber(ARGV[7]))
return reply(0, 0, 0, s)
