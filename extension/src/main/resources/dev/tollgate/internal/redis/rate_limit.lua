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
--
-- Written for the server's CPU: every call of this script is a decision, so it defines no functions (a local
-- function is a new closure on every call), keeps each limit's state in shared arrays, and makes as few
-- redis.call()s as the algorithm allows on the common path, a permitted acquire: TIME and INCRBY for a fixed window,
-- TIME, GET and SET for a token bucket, TIME, ZREMRANGEBYSCORE, ZCARD, ZADD and PEXPIRE for a sliding window.
--
-- State per algorithm, chosen to be small (a key is a few dozen bytes of overhead already):
--   F  a plain integer counter per window, in the key KEYS[i] .. d where d = (window number mod 3). The window is
--      thus part of the key rather than trusting expiry to end it: inside a script Redis judges expiry by the
--      script's start time and keeps a key alive through the millisecond it expires in, so a counter could outlive
--      its window by a millisecond. Three names (not two) keep even 1 ms windows apart: a key three windows old has
--      certainly expired. The counter expires at the end of its window. The window's key is not in KEYS, but it
--      shares KEYS[i]'s hash tag, hence its Redis Cluster slot.
--      An acquire increments first and checks the result: one write instead of a read and a write. A refused
--      call takes its increment back before the script ends (scripts are atomic: nobody sees it).
--   S  a sorted set, one member per permit, scored by its time.
--   T  one string: the tokens (a double, exactly) and the time of the last refill in milliseconds, packed with
--      Redis's struct library. It expires when the bucket would be full again (a missing bucket is full), so while
--      it exists, now - last is at most its TTL (and a millisecond or two). The time is therefore kept modulo a
--      range more than twice the TTL: 2^16 for a TTL up to 30 s, 2^32 up to 2 * 10^9 ms (23 days), 2^48 beyond,
--      making the value 10, 12 or 14 bytes (MEMORY USAGE counts 100, 102 or 104 bytes for a hashed partition's
--      key). A difference of more than half the range can only be a clock that stepped back.

if redis.replicate_commands then
    -- Redis < 5 replicates scripts verbatim by default, which a script reading TIME may not do.
    redis.replicate_commands()
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local acquire = ARGV[1] == 'acquire'
local limits = #KEYS

-- Pass 1: check every limit. state[i] is the count (F, S) or the tokens (T) before this call; for F, fkey[i] is the
-- window's key, which an acquire has incremented already.
local state = {}
local fkey = {}
local all = true
for i = 1, limits do
    local at = 2 + 5 * (i - 1)
    local algorithm = ARGV[at]
    local limit = tonumber(ARGV[at + 1])
    local window = tonumber(ARGV[at + 2])
    local cost = tonumber(ARGV[at + 4])
    local key = KEYS[i]
    local ok
    if algorithm == 'F' then
        local k = key .. (((now - (now % window)) / window) % 3)
        local count
        if acquire then
            count = redis.call('INCRBY', k, cost) - cost
        else
            count = tonumber(redis.call('GET', k) or 0)
        end
        fkey[i] = k
        state[i] = count
        ok = count + cost <= limit
    elseif algorithm == 'S' then
        -- Entries at or before now - window have left the window.
        local count
        if acquire then
            redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
            count = redis.call('ZCARD', key)
        else
            count = redis.call('ZCOUNT', key, '(' .. (now - window), '+inf')
        end
        state[i] = count
        ok = count + cost <= limit
    elseif algorithm == 'T' then
        local capacity = tonumber(ARGV[at + 3])
        local stored = redis.call('GET', key)
        local tokens = capacity
        if stored then
            local range = 281474976710656 -- 2^48
            local left, last
            if #stored == 10 then
                left, last = struct.unpack('<dI2', stored)
                range = 65536
            elseif #stored == 12 then
                left, last = struct.unpack('<dI4', stored)
                range = 4294967296
            else
                left, last = struct.unpack('<dI6', stored)
            end
            local elapsed = (now - last) % range
            if elapsed >= range / 2 then
                elapsed = 0 -- a clock that stepped back refills nothing
            end
            tokens = math.min(capacity, left + elapsed * limit / window)
        end
        state[i] = tokens
        ok = tokens >= cost
    else
        return redis.error_reply('tollgate: unknown algorithm ' .. tostring(algorithm))
    end
    all = all and ok
end

-- Pass 2: consume from every limit if all of them have room (otherwise take back the fixed windows' increments),
-- and report each limit's permitted, remaining, reset and retry-after.
local consume = acquire and all
local result = { all and 1 or 0 }
for i = 1, limits do
    local at = 2 + 5 * (i - 1)
    local algorithm = ARGV[at]
    local limit = tonumber(ARGV[at + 1])
    local window = tonumber(ARGV[at + 2])
    local cost = tonumber(ARGV[at + 4])
    local key = KEYS[i]
    local ok, remaining, reset, retry
    if algorithm == 'F' then
        local count = state[i]
        ok = count + cost <= limit
        if consume then
            if count == 0 then
                -- the increment created the counter, which still needs its expiry
                redis.call('PEXPIRE', fkey[i], window - (now % window))
            end
            count = count + cost
        elseif acquire then
            if count == 0 then
                redis.call('DEL', fkey[i]) -- a refused call leaves nothing behind
            else
                redis.call('DECRBY', fkey[i], cost)
            end
        end
        remaining = limit - count
        reset = 0 -- an empty window is full already
        if count > 0 then
            reset = window - (now % window)
        end
        retry = ok and 0 or reset
    elseif algorithm == 'S' then
        local count = state[i]
        ok = count + cost <= limit
        if consume then
            -- Members taken in one millisecond are named '<ms>:<n>', n counting up from the live count: within a
            -- millisecond the count only grows, so the names are new. Only a clock that stepped back (or a window
            -- changed by redeployment) can make one exist already; ZADD then adds fewer than asked, and further
            -- names are tried until cost members have been added.
            local n = count
            local added = 0
            while added < cost do
                local args = {}
                for _ = 1, math.min(cost - added, 100) do -- well inside Lua's limit on unpacked arguments
                    args[#args + 1] = now
                    args[#args + 1] = now .. ':' .. n
                    n = n + 1
                end
                added = added + redis.call('ZADD', key, unpack(args))
            end
            redis.call('PEXPIRE', key, window)
            count = count + cost
        end
        remaining = limit - count
        reset = 0
        retry = 0
        if consume then
            reset = window -- the newest live entry is one of this call's
        else
            local threshold = '(' .. (now - window)
            if count > 0 then
                -- the newest live entry
                local newest = redis.call('ZREVRANGEBYSCORE', key, '+inf', threshold, 'WITHSCORES', 'LIMIT', 0, 1)
                reset = tonumber(newest[2]) + window - now
            end
            if not ok then
                -- the (count + cost - limit)-th oldest live entry
                local oldest = redis.call('ZRANGEBYSCORE', key, threshold, '+inf', 'WITHSCORES', 'LIMIT',
                    count + cost - limit - 1, 1)
                retry = tonumber(oldest[2]) + window - now
            end
        end
    else
        local capacity = tonumber(ARGV[at + 3])
        local tokens = state[i]
        ok = tokens >= cost
        if consume then
            tokens = tokens - cost
            local ttl = math.ceil((capacity - tokens) * window / limit)
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
        remaining = math.floor(tokens)
        reset = math.ceil((capacity - tokens) * window / limit)
        retry = 0
        if not ok then
            retry = math.ceil((cost - tokens) * window / limit)
        end
    end
    result[#result + 1] = ok and 1 or 0
    result[#result + 1] = remaining
    result[#result + 1] = reset
    result[#result + 1] = retry
end
return result
