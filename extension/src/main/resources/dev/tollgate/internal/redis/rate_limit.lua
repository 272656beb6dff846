-- Decides every limit of one call in one round trip, all or nothing.
-- The semantics (formulas) are those of dev.tollgate.internal.ratelimit's package-info; the in-memory backend
-- implements the same ones, and one contract test suite holds both to them.
--
-- KEYS[i]        the state key of limit i (all in one hash slot: the caller hash-tags them)
-- ARGV[1]        'acquire' (check all, then consume all if all pass) or 'peek' (check only, write nothing)
-- ARGV[2 + 5(i-1) ..] for limit i: algorithm ('F' fixed window, 'S' sliding window, 'T' token bucket),
--                limit, window (ms), capacity, cost
-- Returns        { all permitted (1/0), then for each limit: permitted (1/0), remaining, reset ms, retry-after ms }
--
-- Time is the Redis server's (TIME), never the application server's. Every key written gets a TTL.

if redis.replicate_commands then
    -- Redis < 5 replicates scripts verbatim by default, which a script reading TIME may not do.
    redis.replicate_commands()
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local acquire = ARGV[1] == 'acquire'

-- Fixed window: a hash of the window's start (w) and its count (n). The start is compared rather than trusting the
-- key's expiry to end the window: inside a script Redis judges expiry by the script's start time and keeps a key
-- alive through the millisecond it expires in, so a key could outlive its window by a millisecond or two.
local function check_fixed(key, limit, window, cost)
    local start = now - (now % window)
    local stored = redis.call('HMGET', key, 'w', 'n')
    local count = 0
    if tonumber(stored[1]) == start then
        count = tonumber(stored[2])
    end
    return { permitted = count + cost <= limit, count = count, start = start, ends = start + window }
end

local function consume_fixed(key, s, cost)
    if s.count == 0 then
        redis.call('HSET', key, 'w', s.start, 'n', cost)
        redis.call('PEXPIRE', key, s.ends - now)
        s.count = cost
    else
        s.count = redis.call('HINCRBY', key, 'n', cost)
    end
end

local function report_fixed(s, limit)
    local reset = 0 -- an empty window is full already
    if s.count > 0 then
        reset = s.ends - now
    end
    local retry = 0
    if not s.permitted then retry = reset end
    return limit - s.count, reset, retry
end

-- Sliding window: a sorted set with one member per permit, scored by its time. Members taken in the same
-- millisecond are named '<ms>:<n>' with n counting from the number already at that score: entries leave only
-- whole scores at a time (ZREMRANGEBYSCORE), so the names at one score stay contiguous and never collide.
local function check_sliding(key, limit, window, cost)
    local threshold = now - window
    local count
    if acquire then
        redis.call('ZREMRANGEBYSCORE', key, '-inf', threshold)
        count = redis.call('ZCARD', key)
    else
        count = redis.call('ZCOUNT', key, '(' .. threshold, '+inf')
    end
    return { permitted = count + cost <= limit, count = count, threshold = threshold }
end

local function consume_sliding(key, s, window, cost)
    local first = redis.call('ZCOUNT', key, now, now)
    local args = {}
    for n = first, first + cost - 1 do
        args[#args + 1] = now
        args[#args + 1] = now .. ':' .. n
        if #args >= 200 then -- stay well inside Lua's limit on unpacked arguments
            redis.call('ZADD', key, unpack(args))
            args = {}
        end
    end
    if #args > 0 then
        redis.call('ZADD', key, unpack(args))
    end
    s.count = s.count + cost
    redis.call('PEXPIRE', key, window)
end

-- Score of the n-th oldest live entry (1-based), or of the newest when n is nil.
local function live_score(key, threshold, n)
    local found
    if n then
        found = redis.call('ZRANGEBYSCORE', key, '(' .. threshold, '+inf', 'WITHSCORES', 'LIMIT', n - 1, 1)
    else
        found = redis.call('ZREVRANGEBYSCORE', key, '+inf', '(' .. threshold, 'WITHSCORES', 'LIMIT', 0, 1)
    end
    return tonumber(found[2])
end

local function report_sliding(key, s, limit, window, cost)
    local reset = 0
    if s.count > 0 then
        reset = live_score(key, s.threshold, nil) + window - now
    end
    local retry = 0
    if not s.permitted then
        retry = live_score(key, s.threshold, s.count + cost - limit) + window - now
    end
    return limit - s.count, reset, retry
end

-- Token bucket: tokens (a real number, stored exactly with %.17g) and the time of the last refill. A missing
-- bucket is full, so the key may expire as soon as the bucket would have refilled.
local function check_bucket(key, limit, window, capacity, cost)
    local stored = redis.call('HMGET', key, 'tokens', 'ts')
    local tokens = capacity
    if stored[1] then
        local elapsed = math.max(0, now - tonumber(stored[2]))
        tokens = math.min(capacity, tonumber(stored[1]) + elapsed * limit / window)
    end
    return { permitted = tokens >= cost, tokens = tokens }
end

local function consume_bucket(key, s, limit, window, capacity, cost)
    s.tokens = s.tokens - cost
    redis.call('HSET', key, 'tokens', string.format('%.17g', s.tokens), 'ts', now)
    redis.call('PEXPIRE', key, math.ceil((capacity - s.tokens) * window / limit))
end

local function report_bucket(s, limit, window, capacity, cost)
    local retry = 0
    if not s.permitted then
        retry = math.ceil((cost - s.tokens) * window / limit)
    end
    return math.floor(s.tokens), math.ceil((capacity - s.tokens) * window / limit), retry
end

-- Phase 1: check every limit.
local limits = {}
local all = true
for i = 1, #KEYS do
    local at = 2 + 5 * (i - 1)
    local l = {
        key = KEYS[i],
        algorithm = ARGV[at],
        limit = tonumber(ARGV[at + 1]),
        window = tonumber(ARGV[at + 2]),
        capacity = tonumber(ARGV[at + 3]),
        cost = tonumber(ARGV[at + 4]),
    }
    if l.algorithm == 'F' then
        l.state = check_fixed(l.key, l.limit, l.window, l.cost)
    elseif l.algorithm == 'S' then
        l.state = check_sliding(l.key, l.limit, l.window, l.cost)
    elseif l.algorithm == 'T' then
        l.state = check_bucket(l.key, l.limit, l.window, l.capacity, l.cost)
    else
        return redis.error_reply('tollgate: unknown algorithm ' .. tostring(l.algorithm))
    end
    all = all and l.state.permitted
    limits[i] = l
end

-- Phase 2: consume from every limit, only if all of them have room.
if acquire and all then
    for _, l in ipairs(limits) do
        if l.algorithm == 'F' then
            consume_fixed(l.key, l.state, l.cost)
        elseif l.algorithm == 'S' then
            consume_sliding(l.key, l.state, l.window, l.cost)
        else
            consume_bucket(l.key, l.state, l.limit, l.window, l.capacity, l.cost)
        end
    end
end

local result = { all and 1 or 0 }
for _, l in ipairs(limits) do
    local remaining, reset, retry
    if l.algorithm == 'F' then
        remaining, reset, retry = report_fixed(l.state, l.limit)
    elseif l.algorithm == 'S' then
        remaining, reset, retry = report_sliding(l.key, l.state, l.limit, l.window, l.cost)
    else
        remaining, reset, retry = report_bucket(l.state, l.limit, l.window, l.capacity, l.cost)
    end
    result[#result + 1] = l.state.permitted and 1 or 0
    result[#result + 1] = remaining
    result[#result + 1] = reset
    result[#result + 1] = retry
end
return result
