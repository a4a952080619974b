-- RevocationStore.RevokeSession for AutoSpot Secure's store/redis.
--
-- KEYS[1]  the session's denylist entry; its value is the time the session
--          stays revoked until, Unix milliseconds (callers' clock)
-- ARGV[1]  until, Unix milliseconds
-- ARGV[2]  TTL of the key, milliseconds (clean-up only)
--
-- Keeps the later until: a second, shorter revocation changes nothing.
-- Returns 1 if it wrote, 0 if the entry already ran at least as long.
local cur = tonumber(redis.call('GET', KEYS[1]))
if cur ~= nil and cur >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
