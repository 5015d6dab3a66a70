/**
 * Lua scripts the gateway runs in Redis (registered with ioredis `defineCommand`, sent by EVALSHA): each one
 * reads and writes its keys atomically, so a check and its booking are one step for every replica, in one round
 * trip. Numbers go back as strings (`%.17g`): Redis would truncate a Lua number to an integer.
 */

/**
 * The level of one admission meter (a hash: `u` used, `t` updated at, `p` period), refilled to `now`. ARGV from
 * `base`: limit, refillMs ('' = none), period ('' = none), then what the caller passes. A meter never seen (or in
 * a new period) starts at `initial`; '' means the caller must look it up: the script answers `need`.
 */
const loadLevel = `
local function fmt(x) return string.format('%.17g', x) end
local function level(key, limit, refill, period, initial, now)
  local h = redis.call('HMGET', key, 'u', 't', 'p')
  if h[1] == false or h[3] ~= period then
    if initial == '' then return nil end
    return { used = tonumber(initial), at = now, fresh = true }
  end
  local used, at = tonumber(h[1]), tonumber(h[2])
  if refill and now > at then
    used = math.max(0, used - (now - at) * limit / refill)
    at = now
  end
  return { used = used, at = at }
end
local function store(key, l, limit, refill, period)
  redis.call('HSET', key, 'u', fmt(l.used), 't', fmt(l.at), 'p', period)
  -- A refilling meter is empty again after this long: nothing to keep past it. Budgets stay (their period resets them).
  if refill then redis.call('PEXPIRE', key, math.ceil(refill * l.used / limit) + 1000) end
end
`;

/** KEYS: meters. ARGV: now, then per claim limit, refillMs, period, amount, initial. → nil | {'need', i} | {'refused', i, used} */
export const reserveScript = `${loadLevel}
local now = tonumber(ARGV[1])
local levels = {}
for i = 1, #KEYS do
  local b = 1 + (i - 1) * 5
  local limit, refill, period, amount = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), ARGV[b + 3], tonumber(ARGV[b + 4])
  local l = level(KEYS[i], limit, refill, period, ARGV[b + 5], now)
  if not l then return { 'need', i } end
  -- A full meter refuses even a zero claim (an unpriced request once the budget is spent).
  if l.used >= limit or l.used + amount > limit then
    if l.fresh then store(KEYS[i], l, limit, refill, period) end
    return { 'refused', i, fmt(l.used) }
  end
  levels[i] = l
end
for i = 1, #KEYS do
  local b = 1 + (i - 1) * 5
  local l = levels[i]
  l.used = l.used + tonumber(ARGV[b + 4])
  store(KEYS[i], l, tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), ARGV[b + 3])
end
return nil
`;

/** KEYS: meters. ARGV: now, then per claim limit, refillMs, period, reserved, actual, initial. → nil | {'need', i} */
export const settleScript = `${loadLevel}
local now = tonumber(ARGV[1])
local levels = {}
for i = 1, #KEYS do
  local b = 1 + (i - 1) * 6
  local l = level(KEYS[i], tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), ARGV[b + 3], ARGV[b + 6], now)
  if not l then return { 'need', i } end
  levels[i] = l
end
for i = 1, #KEYS do
  local b = 1 + (i - 1) * 6
  local l = levels[i]
  l.used = math.max(0, l.used + tonumber(ARGV[b + 5]) - tonumber(ARGV[b + 4]))
  store(KEYS[i], l, tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), ARGV[b + 3])
end
return nil
`;

/** KEYS: one meter. ARGV: now, limit, refillMs, period, initial. → {'need'} | {'used', used} */
export const usedScript = `${loadLevel}
local now = tonumber(ARGV[1])
local l = level(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5], now)
if not l then return { 'need' } end
if l.fresh then store(KEYS[1], l, tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]) end
return { 'used', fmt(l.used) }
`;

const loadBucket = `
local function fmt(x) return string.format('%.17g', x) end
local function bucket(key, rate, capacity, now)
  local h = redis.call('HMGET', key, 'k', 't')
  local tokens, at = tonumber(h[1]) or capacity, tonumber(h[2]) or now
  return math.min(capacity, tokens + math.max(0, now - at) * rate)
end
local function keep(key, tokens, rate, capacity, now)
  redis.call('HSET', key, 'k', fmt(tokens), 't', fmt(now))
  redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / rate) + 1000)
end
`;

/**
 * Core's provider token bucket (`RateLimitStorage.reserve`). KEYS: bucket. ARGV: cost, ratePerMs, capacity,
 * maxWaitMs, maxQueue (-1 = none), now. → {granted 0|1, waitMs}
 */
export const bucketReserveScript = `${loadBucket}
local cost, rate, capacity = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local maxWait, maxQueue, now = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local tokens = bucket(KEYS[1], rate, capacity, now)
local after = tokens - cost
local wait = 0
if after < 0 then wait = math.ceil(-after / rate) end
-- Each whole token of debt is one request already waiting in line.
local queued = math.max(0, math.ceil(-tokens))
if wait > 0 and (wait > maxWait or (maxQueue >= 0 and queued >= maxQueue)) then
  keep(KEYS[1], tokens, rate, capacity, now)
  return { 0, wait }
end
keep(KEYS[1], after, rate, capacity, now)
return { 1, wait }
`;

/** KEYS: bucket. ARGV: cost, ratePerMs, capacity, now. Takes tokens after the fact (may go negative). */
export const bucketConsumeScript = `${loadBucket}
local cost, rate, capacity, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
keep(KEYS[1], bucket(KEYS[1], rate, capacity, now) - cost, rate, capacity, now)
return nil
`;

/** KEYS: bucket. ARGV: cost. Gives tokens back to a bucket that still exists. */
export const bucketRefundScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBYFLOAT', KEYS[1], 'k', ARGV[1]) end
return nil
`;

/**
 * A response cache entry. KEYS: entry, index (a sorted set of entry names by write time). ARGV: value, ttlMs,
 * now, maxEntries, entry name, key prefix of entries. Past `maxEntries`, the oldest written go first.
 */
export const cacheSetScript = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #oldest, 2 do redis.call('DEL', ARGV[6] .. oldest[i]) end
end
return nil
`;
