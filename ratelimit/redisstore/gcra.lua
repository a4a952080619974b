-- GCRA step for AutoSpot Secure's ratelimit/redisstore. One call is one
-- decision, atomic on the server.
--
-- KEYS[1]  the bucket; its value is the theoretical arrival time (TAT) in
--          microseconds of the Redis server's clock
-- ARGV[1]  emission interval, microseconds
-- ARGV[2]  tolerance (interval x burst), microseconds
--
-- Returns {allowed (1/0), TAT - now in microseconds after the step}.
-- Time comes from the server (TIME), so application replicas whose clocks
-- disagree still share one timeline.
if redis.replicate_commands then redis.replicate_commands() end

local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then
  tat = now
end
local next_tat = tat + interval
if next_tat - tolerance > now then
  return {0, tat - now}
end
-- %.0f keeps all digits (tostring would use 14 significant digits).
redis.call('SET', KEYS[1], string.format('%.0f', next_tat),
  'PX', math.ceil((next_tat - now) / 1000))
return {1, next_tat - now}
