-- ResetStore.DeleteUser for AutoSpot Secure's store/redis.
--
-- KEYS[1]  the set of the user's token keys
-- ARGV[1]  the user id
--
-- Deletes each member that still exists and still belongs to the user
-- (members of consumed tokens linger until the set expires), then the set.
-- The token keys are derived from stored data, so they cannot be declared
-- in KEYS: under Redis Cluster every key of the store must share one hash
-- slot (a hash-tagged prefix).
-- Returns how many tokens it deleted.
local n = 0
for _, k in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('HGET', k, 'u') == ARGV[1] then
    n = n + redis.call('DEL', k)
  end
end
redis.call('DEL', KEYS[1])
return n
