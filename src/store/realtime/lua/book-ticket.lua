-- A booked place in the upstream queue, handed to a caller told to come back later.
-- KEYS[1] zset member -> due time (server ms); ARGV: member, dueInMs, ttlMs. Returns 1.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
-- Tickets nobody came back for are dropped (their booked capacity simply goes unused).
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + ttl)
return 1
