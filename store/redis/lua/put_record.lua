-- Stores one record (a hash) for AutoSpot Secure's store/redis: OTP codes,
-- pending registrations.
--
-- KEYS[1]  the record
-- ARGV[1]  TTL of the key, milliseconds (clean-up only)
-- ARGV[2…] field, value, field, value …
--
-- Replaces whatever the key held, fields and TTL, in one step.
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
