-- OTPStore.Try for AutoSpot Secure's store/redis: reserves one attempt.
--
-- KEYS[1]  the code's hash (fields: see otp.go); ea = expires at, t =
--          tries, m = max tries
-- ARGV[1]  now, Unix milliseconds (the caller's clock decides)
--
-- Returns {'notfound'}, {'exhausted'}, or {'ok', field, value, …} after
-- the increment.
local v = redis.call('HMGET', KEYS[1], 'ea', 't', 'm')
if not v[1] or tonumber(ARGV[1]) >= tonumber(v[1]) then
  return {'notfound'}
end
if tonumber(v[2]) >= tonumber(v[3]) then
  return {'exhausted'}
end
redis.call('HINCRBY', KEYS[1], 't', 1)
local r = redis.call('HGETALL', KEYS[1])
table.insert(r, 1, 'ok')
return r
