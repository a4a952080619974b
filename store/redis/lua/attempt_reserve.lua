-- AttemptStore.Reserve for AutoSpot Secure's store/redis: the atomic
-- reserve-before-compare step.
--
-- KEYS[1]  the key's hash: c = count, w = window end, l = locked until
--          (Unix milliseconds of the callers' clock)
-- ARGV[1]  now, Unix milliseconds (the caller's clock decides)
-- ARGV[2]  limit
-- ARGV[3]  window, milliseconds
-- ARGV[4]  cleanup grace, milliseconds
--
-- Returns {allowed (1/0), count, window end or nil, locked until or nil}.
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'c', 'w', 'l')
local c, w, l = tonumber(v[1]) or 0, tonumber(v[2]), tonumber(v[3])

if l ~= nil and now < l then
  return {0, c, w or false, l}
end

local changed = false
if w == nil or now >= w then
  c, w, changed = 0, now + tonumber(ARGV[3]), true
end
local allowed = 0
if c < limit then
  c, allowed, changed = c + 1, 1, true
end
if changed then
  redis.call('HSET', KEYS[1], 'c', string.format('%.0f', c), 'w', string.format('%.0f', w))
  -- Clean-up: keep the key until the later of window end and lock, plus
  -- the grace; never shorten a TTL already set.
  local last = w
  if l ~= nil and l > last then last = l end
  local ttl = math.max(last - now, 0) + tonumber(ARGV[4])
  if ttl < 1 then ttl = 1 end
  local cur = redis.call('PTTL', KEYS[1])
  if cur < 0 or cur < ttl then
    redis.call('PEXPIRE', KEYS[1], string.format('%.0f', ttl))
  end
end
return {allowed, c, w, false}
