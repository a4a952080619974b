-- ResetStore.Consume for AutoSpot Secure's store/redis.
--
-- KEYS[1]  the token's hash; ea = expires at (Unix milliseconds)
-- ARGV[1]  now, Unix milliseconds (the caller's clock decides)
--
-- Deletes the token whether live or expired. Returns {'notfound'} for an
-- absent or expired token, else {'ok', field, value, …}. The user's set
-- keeps the member; DeleteUser skips members that are gone.
local r = redis.call('HGETALL', KEYS[1])
if #r == 0 then
  return {'notfound'}
end
redis.call('DEL', KEYS[1])
local ea = nil
for i = 1, #r, 2 do
  if r[i] == 'ea' then ea = tonumber(r[i + 1]) end
end
if ea == nil or tonumber(ARGV[1]) >= ea then
  return {'notfound'}
end
table.insert(r, 1, 'ok')
return r
