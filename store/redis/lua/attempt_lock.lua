-- AttemptStore.Lock for AutoSpot Secure's store/redis.
--
-- KEYS[1]  the key's hash (see attempt_reserve.lua)
-- ARGV[1]  locked until, Unix milliseconds
-- ARGV[2]  TTL the key needs for this lock, milliseconds (clean-up only)
--
-- Keeps a later existing lock and the count. Returns 1 if it wrote.
local l = tonumber(redis.call('HGET', KEYS[1], 'l'))
if l ~= nil and l >= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'l', ARGV[1])
local cur = redis.call('PTTL', KEYS[1])
if cur < 0 or cur < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
