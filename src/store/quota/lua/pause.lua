-- Pauses a pool after an upstream 429: pause-until = max(current, now + ms). The key's own TTL
-- is the pause, so Redis server time decides when it ends. KEYS[1]: pause key. ARGV: ms.
-- Returns the ms left of the pause after the call.
local ms = math.ceil(tonumber(ARGV[1]))
local left = redis.call('PTTL', KEYS[1])
if left < 0 then left = 0 end
if ms > left then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
  return ms
end
return left
