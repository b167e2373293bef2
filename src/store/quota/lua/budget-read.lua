-- read: the tenant's state, rolled over to today (code 3 when none is stored). (budget-lib.lua is prepended.)
local s = load()
if not s then return reply(3, 0, 0, nil) end
return reply(0, 0, 0, rollover(s))
