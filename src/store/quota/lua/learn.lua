-- Stores the limits learned for a pool (from x-ratelimit-limit-* headers), replacing the old ones.
-- KEYS[1]: learned hash. ARGV: ttlMs, then field, value pairs (rpm, tpm, rpd, tpd).
redis.call('DEL', KEYS[1])
if #ARGV > 1 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
end
return #ARGV - 1
