-- Registers a live instance and counts the live ones. KEYS[1]: sorted set member -> expiry
-- (server ms). ARGV: instance id, ttlMs. Returns the number of live instances.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
-- The set outlives its longest-lived member; a short-lived beat must not shorten it.
if redis.call('PTTL', KEYS[1]) < ttl * 2 then redis.call('PEXPIRE', KEYS[1], ttl * 2) end
return redis.call('ZCARD', KEYS[1])
