-- ResetStore.Put for AutoSpot Secure's store/redis.
--
-- KEYS[1]  the token's hash
-- KEYS[2]  the set of the user's token keys (for DeleteUser)
-- ARGV[1]  TTL of the token key, milliseconds (clean-up only)
-- ARGV[2…] field, value, field, value …
--
-- Returns 0 (and changes nothing) if the token exists, else 1.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], KEYS[1])
local cur = redis.call('PTTL', KEYS[2])
if cur < 0 or cur < tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return 1
