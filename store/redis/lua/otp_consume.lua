-- OTPStore.Consume for AutoSpot Secure's store/redis.
--
-- KEYS[1]  the code's hash
-- ARGV[1]  the code hash the caller compared against
--
-- Deletes the code if its hash is still ARGV[1]. Returns 1 if it did.
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
