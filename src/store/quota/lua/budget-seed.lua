-- seed dayUsd monthUsd ttlMs: ledger dollars into a hash that holds no current month. (budget-lib.lua is prepended.)
-- The fleet's count is the truth once it holds this month: the ledger seeds a fresh hash only.
local s = load()
if s and s.m == month then return reply(3, 0, 0, s) end
s = rollover(s or empty())
s.du = s.du + tonumber(ARGV[1])
s.mu = s.mu + tonumber(ARGV[2])
save(s, tonumber(ARGV[3]))
return reply(0, 0, 0, s)
