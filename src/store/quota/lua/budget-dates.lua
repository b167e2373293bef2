-- dates ms: the calendar routine alone, for tests. (budget-lib.lua is prepended.)
local day, month, toDay, toMonth = calendar(tonumber(ARGV[1]))
return {day, month, fmt(toDay), fmt(toMonth)}
