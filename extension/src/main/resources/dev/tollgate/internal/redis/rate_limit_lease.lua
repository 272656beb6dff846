-- Leases a batch of permits of one limit to one instance, or takes unspent ones back (permit leasing: PermitLeases).
-- The state is rate_limit.lua's, read and written the same way, so leased and unleased calls of a limiter share it.
--
-- KEYS[1]   the limit's state key: a token bucket's own key; for a fixed window the base of its counters, which are
--           KEYS[1] .. (window number mod 3) as in rate_limit.lua
-- KEYS[2]   the set of instances taking leases of this limit and partition (member: instance id, score: server ms of
--           its last lease); same hash tag as KEYS[1]
-- KEYS[3-5] a fixed window's three counters, never read from KEYS: declared so that a Redis Cluster routes the script
--           by the keys it writes (see RateLimitScript.clusterKeys)
-- ARGV      mode ('L' lease, 'R' give back), algorithm ('F' or 'T'), limit, window (ms), capacity, then
--           'L': cost (the least a lease may be), instance id, the largest lease, how long an instance counts as active
--               (ms)
--           'R': the permits given back, and for 'F' the window number they were leased in
-- Returns   'L': granted (0: refused, nothing taken), remaining in Redis after the lease, reset ms, retry-after ms (0
--               when granted), next ms, the window number (F; 0 for T)
--           'R': a one-element array: the permits taken back
--
-- Time is the server's (TIME). Every key written gets a TTL.
--
-- The lease is sized from what remains and how many instances are taking: at most remaining / (2 x active), so that
-- the instances leave each other room and the permits a window ends with, unspent, stay few; for a fixed window, times
-- the part of the window still to come; never more than the largest lease, never less than the call's cost.

if redis.replicate_commands then
    redis.replicate_commands()
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local mode = ARGV[1]
local algorithm = ARGV[2]
local limit = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local capacity = tonumber(ARGV[5])

-- A token bucket's tokens as of now (rate_limit.lua's format: tokens and last refill packed, the time modulo a range
-- chosen by the TTL). A missing bucket is full.
local function tokens_now(key)
    local packed = redis.call('GET', key)
    if not packed then
        return capacity
    end
    local range = 281474976710656
    local left, last
    if #packed == 10 then
        left, last = struct.unpack('<dI2', packed)
        range = 65536
    elseif #packed == 12 then
        left, last = struct.unpack('<dI4', packed)
        range = 4294967296
    else
        left, last = struct.unpack('<dI6', packed)
    end
    local elapsed = (now - last) % range
    if elapsed >= range / 2 then
        elapsed = 0
    end
    return math.min(capacity, left + elapsed * limit / window)
end

-- Stores a token bucket as rate_limit.lua does; a full one is deleted (a missing bucket is full).
local function store_tokens(key, tokens)
    local ttl = math.ceil((capacity - tokens) * window / limit)
    if ttl <= 0 then
        redis.call('DEL', key)
        return
    end
    local packed
    if ttl <= 30000 then
        packed = struct.pack('<dI2', tokens, now % 65536)
    elseif ttl <= 2000000000 then
        packed = struct.pack('<dI4', tokens, now % 4294967296)
    else
        packed = struct.pack('<dI6', tokens, now)
    end
    redis.call('SET', key, packed, 'PX', ttl)
end

local number = math.floor(now / window)

if mode == 'R' then
    local amount = tonumber(ARGV[6])
    if algorithm == 'F' then
        -- Only within the window they were leased in: in a later window they were never counted.
        if tonumber(ARGV[7]) ~= number then
            return { 0 }
        end
        local counter = KEYS[1] .. (number % 3)
        local count = tonumber(redis.call('GET', counter) or '0')
        amount = math.min(amount, count)
        if amount <= 0 then
            return { 0 }
        end
        if amount == count then
            redis.call('DEL', counter)
        else
            redis.call('DECRBY', counter, amount) -- the counter keeps its TTL, the window's end
        end
        return { amount }
    end
    local tokens = tokens_now(KEYS[1])
    local back = math.min(amount, capacity - tokens) -- a bucket never holds more than its capacity
    if back > 0 then
        store_tokens(KEYS[1], tokens + back)
    end
    return { math.floor(math.max(0, back)) }
end

-- Register this instance as taking, drop those that stopped, count the rest.
local active = KEYS[2]
local horizon = tonumber(ARGV[9])
redis.call('ZADD', active, now, ARGV[7])
redis.call('ZREMRANGEBYSCORE', active, '-inf', now - horizon)
redis.call('PEXPIRE', active, horizon)
local instances = redis.call('ZCARD', active)

local cost = tonumber(ARGV[6])
local largest = tonumber(ARGV[8])

-- share: the part of what remains that may be leased now. For a fixed window, the part of the window still to
-- come: a lease taken near the window's end is spent only in what is left of it, and whatever is not is lost.
local function size(available, share)
    local n = math.floor(available * share / (2 * instances))
    n = math.max(cost, math.min(n, largest))
    return math.min(n, math.floor(available))
end

if algorithm == 'F' then
    local counter = KEYS[1] .. (number % 3)
    local count = tonumber(redis.call('GET', counter) or '0')
    local remaining = math.max(0, limit - count)
    local reset = window - (now % window)
    -- What the instance is told is rounded down from the server's microseconds, not up from its milliseconds: the
    -- lease expires there at most this long after it was sent, so never after the window's end (rounded up, a lease
    -- could be spent for up to a millisecond of the next window). The counter's TTL keeps the rounded-up reset: it
    -- must outlive the window, or a lease in its last millisecond would find it gone and start again from 0.
    local micros = tonumber(time[1]) * 1000000 + tonumber(time[2])
    local left = math.floor(((number + 1) * window * 1000 - micros) / 1000)
    if remaining < cost then
        return { 0, remaining, left, left, left, number }
    end
    local granted = size(remaining, reset / window)
    if count == 0 then
        redis.call('SET', counter, granted, 'PX', reset)
    else
        redis.call('INCRBY', counter, granted)
    end
    return { granted, remaining - granted, left, 0, left, number }
end

local tokens = tokens_now(KEYS[1])
if tokens < cost then
    local remaining = math.floor(tokens)
    return { 0, remaining, math.ceil((capacity - tokens) * window / limit),
             math.ceil((cost - tokens) * window / limit), math.ceil((remaining + 1 - tokens) * window / limit), 0 }
end
local granted = size(tokens, 1)
tokens = tokens - granted
store_tokens(KEYS[1], tokens)
local remaining = math.floor(tokens)
return { granted, remaining, math.ceil((capacity - tokens) * window / limit), 0,
         math.ceil((remaining + 1 - tokens) * window / limit), 0 }
