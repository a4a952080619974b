-- PendingStore.Take for AutoSpot Secure's store/redis.
--
-- KEYS[1]  the registration's hash; th = SHA-256 of the ticket, ea =
--          expires at (Unix milliseconds)
-- ARGV[1]  SHA-256 of the presented ticket
-- ARGV[2]  now, Unix milliseconds (the caller's clock decides)
--
-- Returns {'notfound'} (and changes nothing), or {'ok', field, value, …}
-- after deleting the registration.
local v = redis.call('HMGET', KEYS[1], 'th', 'ea')
if not v[1] or v[1] ~= ARGV[1] or tonumber(ARGV[2]) >= tonumber(v[2]) then
  return {'notfound'}
end
local r = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
table.insert(r, 1, 'ok')
return r
