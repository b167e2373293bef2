-- Records the owner of one object unless it has one: the first claim wins, atomically.
-- KEYS[1] the object's key; ARGV[1] the record (JSON); ARGV[2] ttl in ms, or '' for none.
-- Returns the record in force after the call.
local current = redis.call('GET', KEYS[1])
if current then return current end
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return ARGV[1]
