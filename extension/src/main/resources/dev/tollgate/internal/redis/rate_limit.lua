-- Decides one or more calls, one after the other, each of them for every one of its limits, all or nothing.
-- The semantics (formulas) are those of dev.tollgate.internal.ratelimit's package-info; the in-memory backend
-- implements the same ones, and one contract test suite holds both to them. Deciding several calls in one script is
-- what the calls would have got from as many scripts run back to back in the same millisecond: the client batches
-- calls that arrive while others are on their way (RedisRateLimitBackend), so that under load a round trip, a
-- script start and the server's clock are paid for once per batch.
--
-- KEYS           the state keys of every limit of every call, in order (on a Redis Cluster all in one hash slot:
--                the caller hash-tags them and batches by slot); on a Redis Cluster followed by the three counters (see F below) of
--                each fixed window among them, never read from KEYS here: declared so that the cluster routes and
--                redirects the script by the keys it writes while a slot moves between masters (RateLimitScript)
-- ARGV           the number of policies p; then for each policy 4 values: algorithm ('F' fixed window,
--                'S' sliding window, 'T' token bucket, 'G' GCRA, 'C' concurrency), limit, window (ms; for 'C' the
--                lease), capacity; then for each call: its number of limits n, positive for an acquire (check all its
--                limits, then consume from all of them if all pass), negative for a peek (check only, write nothing);
--                then for each of its limits 2 values: its policy (1 to p) and its cost, which for a 'C' limit of an
--                acquire is '<cost>:<holder>', the name of the call that will hold the permits. A batch's calls mostly
--                share their policies: each is sent and converted once.
-- Returns        for each call: all permitted (1/0), then for each of its limits: permitted (1/0), remaining,
--                reset ms, retry-after ms, next ms (until more quota is made available: the RateLimit header's t)
-- (RateLimitScript is the Java side of this layout, RateLimitKeys makes the keys: a change here is a change there.)
--
-- Time is the Redis server's (TIME), never the application server's. Every key written gets a TTL.
--
-- Written for the server's CPU: every call of this script decides one or more calls, so it defines one function only
-- (a local function is a new closure on every run) and keeps its state in a few shared tables. Each key is read at
-- most once and written at most once per script, however many of the script's calls it decides: the first call
-- that touches a key reads it (pass 1 below), later calls work on the value held here, and the writes are made once
-- at the end (flush). A lone permitted acquire thus makes TIME and INCRBY for a fixed window, TIME, GET and SET for
-- a token bucket or a GCRA, TIME, ZREMRANGEBYSCORE, ZCARD, ZADD and PEXPIRE for a sliding window or a concurrency
-- limit; a batch of calls on one key makes those calls once for all of them. Besides, a sliding window that already held live entries reads its
-- oldest one (ZRANGEBYSCORE ... LIMIT 0 1, once per script) when it permits a call, to tell when more quota comes.
--
-- State per algorithm, chosen to be small (a key is a few dozen bytes of overhead already):
--   F  a plain integer counter per window, in the key KEYS[i] .. d where d = (window number mod 3). The window is
--      thus part of the key rather than trusting expiry to end it: inside a script Redis judges expiry by the
--      script's start time and keeps a key alive through the millisecond it expires in, so a counter could outlive
--      its window by a millisecond. Three names (not two) keep even 1 ms windows apart: a key three windows old has
--      certainly expired. The counter expires at the end of its window. The window's key shares KEYS[i]'s hash tag,
--      hence its Redis Cluster slot; on a Cluster the caller declares all three after the limits' keys.
--      The first acquire of a counter increments first and checks the result: one write instead of a read and a
--      write. Whatever the script's calls consume after that, or a refusal takes back, is written at the end as one
--      INCRBY (DEL when the counter comes back to nothing; scripts are atomic: nobody sees the steps between).
--   S  a sorted set, one member per permit, scored by its time. The members a script adds go in one ZADD at the
--      end, or before a refusal or a peek has to read the entries themselves.
--   T  one string: the tokens (a double, exactly) and the time of the last refill in milliseconds, packed with
--      Redis's struct library. It expires when the bucket would be full again (a missing bucket is full), so while
--      it exists, now - last is at most its TTL (and a millisecond or two). The time is therefore kept modulo a
--      range more than twice the TTL: 2^16 for a TTL up to 30 s, 2^32 up to 2 * 10^9 ms (23 days), 2^48 beyond,
--      making the value 10, 12 or 14 bytes (MEMORY USAGE counts 100, 102 or 104 bytes for a hashed partition's
--      key). A difference of more than half the range can only be a clock that stepped back.
--   G  one integer: the theoretical arrival time (TAT) of the next permit, in units of 1/limit ms (so that the
--      emission interval window/limit ms is exactly window units and all arithmetic is on whole numbers), modulo
--      2^52 (doubles are exact up to 2^53): TAT * limit mod 2^52. The debt, how far the TAT is ahead of now, is read
--      back as (value - now * limit) mod 2^52; now * limit is computed modulo 2^52 in 26-bit halves, since the full
--      product would not be exact. The key expires at the TAT (back at rest; a missing key is at rest), so while it
--      exists the debt is at most the tolerance, capacity * window <= 2^50 units (LimitPolicy checks it): a debt of
--      half the range or more is a TAT in the past, i.e. at rest. A debt above the tolerance (only after the policy
--      changed, or the clock stepped back) counts as the tolerance. An integer string: MEMORY USAGE counts 88 bytes
--      for a hashed partition's key.
--   C  a sorted set of the permits held, one member per permit: the holder's name (cost 1) or '<holder>#<j>' (the j-th
--      of a call of cost c), scored by the end of its lease (server ms). Members whose lease ended (score <= now) hold
--      nothing; an acquire drops them first. The holder renews its lease (concurrency_renew.lua) and gives its
--      permits back (ZREM) when its call ends. The key expires one lease after the last write: a renewal or an
--      acquire sets every live member's lease to end no later. Reset is 0 (permits come back when calls end, not
--      with time); a refusal's retry-after is 1 s, short, since a running call may end at any moment.

if redis.replicate_commands then
    -- Redis < 5 replicates scripts verbatim by default, which a script reading TIME may not do.
    redis.replicate_commands()
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local result = {}
-- A sliding window's members at this millisecond are named member .. n and scored nowtext (text already, so that
-- redis.call need not convert a number per member); made by the first sliding window that consumes.
local nowtext
local member

-- The policies, flat: algorithm, limit, window, capacity of policy p at 4p - 3 .. 4p. (Few tables: a lone call pays
-- for each table a script makes, and tables cost more here than the redis.call()s.)
local policies = tonumber(ARGV[1])
local policy = { ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]) }
for p = 2, policies do
    local at = 4 * p - 2
    policy[4 * p - 3] = ARGV[at]
    policy[4 * p - 2] = tonumber(ARGV[at + 1])
    policy[4 * p - 1] = tonumber(ARGV[at + 2])
    policy[4 * p] = tonumber(ARGV[at + 3])
end

-- What the script knows of each key in KEYS it has touched, one record per key, made by the first call that touches
-- it. The record's fields:
local VALUE = 1    -- the count (F, S), the tokens (T) or the debt in 1/limit ms (G) as of the calls decided so far
local HELD = 2     -- F: the counter's value in Redis right now; S: the number of the next member's name;
                   -- G: now * limit mod 2^52
local FIRST = 3    -- F: the count before this script; S: whether expired entries have been dropped
local KIND = 4     -- the algorithm
local BEFORE = 5   -- the count, tokens or debt before the current call (pass 1 to pass 2)
local WINDOW = 6   -- the window, limit and capacity of the last call that consumed from it (nil: none did)
local LIMIT = 7
local CAPACITY = 8
local TARGET = 9   -- the key written: F, the window's counter key; S, T, the key itself
local PENDING = 10 -- S: the members to add, as ZADD's arguments (score, name, score, name, ...), or nil
local state = {}

-- Adds the members a sliding window's calls have taken in this script, 100 to a ZADD (well inside Lua's limit on
-- unpacked arguments). A name that exists already (only after a clock stepped back) makes ZADD add fewer than asked;
-- further names are tried until every permit has its member. The one function of the script: one closure per run.
local function addpending(record)
    local names = record[PENDING]
    if names == nil then
        return
    end
    local key = record[TARGET]
    local added = 0
    for j = 1, #names, 200 do
        added = added + redis.call('ZADD', key, unpack(names, j, math.min(j + 199, #names)))
    end
    local n = record[HELD]
    while added < #names / 2 do
        added = added + redis.call('ZADD', key, nowtext, member .. n)
        n = n + 1
    end
    record[HELD] = n
    record[PENDING] = nil
end

local call = 2 + 4 * policies -- ARGV index of the current call's number of limits
local base = 0 -- KEYS index before the current call's first limit
while call <= #ARGV do
    local limits = tonumber(ARGV[call])
    local acquire = limits > 0
    if not acquire then
        limits = -limits
    end

    -- Pass 1: read (first touch of a key only: it makes the key's record) and check every limit.
    local all = true
    for i = 1, limits do
        local at = call + 2 * i - 1
        local p = 4 * tonumber(ARGV[at]) - 3
        local algorithm = policy[p]
        local limit = policy[p + 1]
        local window = policy[p + 2]
        local cost = tonumber(ARGV[at + 1]) or tonumber(string.match(ARGV[at + 1], '^%d+'))
        local key = KEYS[base + i]
        local record = state[key]
        local ok
        if algorithm == 'F' then
            if record == nil then
                local k = key .. (((now - (now % window)) / window) % 3)
                local count
                local held
                if acquire then
                    count = redis.call('INCRBY', k, cost) - cost
                    held = count + cost
                else
                    count = tonumber(redis.call('GET', k) or 0)
                    held = count
                end
                record = { count, held, count, 'F', 0, nil, nil, nil, k }
                state[key] = record
            end
        elseif algorithm == 'S' then
            -- Entries at or before now - window have left the window.
            if record == nil then
                local count
                if acquire then
                    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
                    count = redis.call('ZCARD', key)
                else
                    count = redis.call('ZCOUNT', key, '(' .. (now - window), '+inf')
                end
                -- Members taken in one millisecond are named '<ms>:<n>', n counting up from the live count:
                -- within a millisecond the count only grows, so the names are new. Only a clock that stepped back
                -- (or a window changed by redeployment) can make one exist already; addpending then tries further
                -- names.
                record = { count, count, acquire, 'S', 0, nil, nil, nil, key, nil }
                state[key] = record
            end
        elseif algorithm == 'T' then
            if record == nil then
                local capacity = policy[p + 3]
                local packed = redis.call('GET', key)
                local tokens = capacity
                if packed then
                    local range = 281474976710656 -- 2^48
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
                        elapsed = 0 -- a clock that stepped back refills nothing
                    end
                    tokens = math.min(capacity, left + elapsed * limit / window)
                end
                record = { tokens, 0, 0, 'T', 0, nil, nil, nil, key }
                state[key] = record
            end
        elseif algorithm == 'G' then
            if record == nil then
                -- now * limit mod 2^52, in 26-bit halves (now < 2^52, limit <= 2^40): every product and sum < 2^53
                local n1 = math.floor(now / 67108864)
                local n0 = now - n1 * 67108864
                local l1 = math.floor(limit / 67108864)
                local l0 = limit - l1 * 67108864
                local units = math.fmod(n0 * l0 + math.fmod(n1 * l0 + n0 * l1, 67108864) * 67108864, 4503599627370496)
                local debt = 0
                local tat = redis.call('GET', key)
                if tat then
                    debt = math.fmod(tonumber(tat) - units + 4503599627370496, 4503599627370496)
                    local tolerance = policy[p + 3] * window
                    if debt >= 2251799813685248 then
                        debt = 0 -- the TAT is past: at rest
                    elseif debt > tolerance then
                        debt = tolerance
                    end
                end
                record = { debt, units, 0, 'G', 0, nil, nil, nil, key }
                state[key] = record
            end
        elseif algorithm == 'C' then
            if acquire and tonumber(ARGV[at + 1]) then
                return redis.error_reply('tollgate: a CONCURRENCY acquire needs a holder')
            end
            if record == nil then
                local count
                if acquire then
                    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
                    count = redis.call('ZCARD', key)
                else
                    count = redis.call('ZCOUNT', key, '(' .. now, '+inf')
                end
                record = { count, 0, 0, 'C', 0, nil, nil, nil, key, nil }
                state[key] = record
            end
        else
            return redis.error_reply('tollgate: unknown algorithm ' .. tostring(algorithm))
        end
        -- the count (F, S, C), the tokens (T) or the debt (G) before this call
        local before = record[VALUE]
        record[BEFORE] = before
        if algorithm == 'T' then
            ok = before >= cost
        elseif algorithm == 'G' then
            ok = before + cost * window <= policy[p + 3] * window
        else
            ok = before + cost <= limit
        end
        all = all and ok
    end

    -- Pass 2: consume from every limit if all of them have room, and report each limit's permitted, remaining,
    -- reset and retry-after. It reads each limit's arguments again rather than keep them from pass 1: a table per
    -- call to keep them in would cost a lone call more than the two conversions do.
    local consume = acquire and all
    result[#result + 1] = all and 1 or 0
    for i = 1, limits do
        local at = call + 2 * i - 1
        local p = 4 * tonumber(ARGV[at]) - 3
        local algorithm = policy[p]
        local limit = policy[p + 1]
        local window = policy[p + 2]
        local cost = tonumber(ARGV[at + 1]) or tonumber(string.match(ARGV[at + 1], '^%d+'))
        local record = state[KEYS[base + i]]
        local ok, remaining, reset, retry, more
        if algorithm == 'F' then
            local count = record[BEFORE]
            ok = count + cost <= limit
            if consume then
                count = count + cost
                record[VALUE] = count
                record[WINDOW] = window
            end
            remaining = limit - count
            reset = 0 -- an empty window is full already
            more = window - (now % window) -- the window's end brings more quota, even to a full window's next permit
            if count > 0 then
                reset = more
            end
            retry = ok and 0 or reset
        elseif algorithm == 'S' then
            local count = record[BEFORE]
            ok = count + cost <= limit
            if consume then
                if member == nil then
                    nowtext = tostring(now)
                    member = nowtext .. ':'
                end
                local names = record[PENDING]
                if names == nil then
                    names = {}
                    record[PENDING] = names
                end
                local n = record[HELD]
                local last = #names
                for _ = 1, cost do
                    names[last + 1] = nowtext
                    names[last + 2] = member .. n
                    last = last + 2
                    n = n + 1
                end
                record[HELD] = n
                count = count + cost
                record[VALUE] = count
                record[WINDOW] = window
            end
            remaining = limit - count
            reset = 0
            retry = 0
            -- more: when the oldest live entry leaves; with no entries, when a permit taken now would leave
            more = window
            if consume then
                reset = window -- the newest live entry is one of this call's
                if record[BEFORE] > 0 then
                    -- The oldest live entry: the oldest one stored, unless every live entry is one this script has
                    -- taken (pending, at now). Not read when the window was empty: then it is this call's. Read once
                    -- per script (kept in the record's field 'oldest', false if none): what is stored only changes at
                    -- now while the script runs.
                    local oldest = record.oldest
                    if oldest == nil then
                        local found = redis.call('ZRANGEBYSCORE', record[TARGET], '(' .. (now - window), '+inf',
                            'WITHSCORES', 'LIMIT', 0, 1)
                        oldest = found[2] and tonumber(found[2]) or false
                        record.oldest = oldest
                    end
                    if oldest then
                        more = math.min(oldest, now) + window - now
                    end
                end
            else
                -- These read the entries themselves: the members this script has taken go in first.
                addpending(record)
                local key = record[TARGET]
                local threshold = '(' .. (now - window)
                if count > 0 then
                    -- the newest live entry
                    local newest = redis.call('ZREVRANGEBYSCORE', key, '+inf', threshold, 'WITHSCORES', 'LIMIT', 0, 1)
                    reset = tonumber(newest[2]) + window - now
                end
                local skip = count + cost - limit - 1
                if not ok then
                    -- the (count + cost - limit)-th oldest live entry
                    local oldest = redis.call('ZRANGEBYSCORE', key, threshold, '+inf', 'WITHSCORES', 'LIMIT', skip, 1)
                    retry = tonumber(oldest[2]) + window - now
                end
                if count > 0 then
                    if not ok and skip == 0 then
                        more = retry -- the entry just read is the oldest
                    else
                        local oldest = redis.call('ZRANGEBYSCORE', key, threshold, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
                        more = tonumber(oldest[2]) + window - now
                    end
                end
            end
        elseif algorithm == 'C' then
            local count = record[BEFORE]
            ok = count + cost <= limit
            if consume then
                local holder = string.match(ARGV[at + 1], ':(.+)$')
                local names = record[PENDING] or {}
                local expiry = now + window
                if cost == 1 then
                    names[#names + 1] = expiry
                    names[#names + 1] = holder
                else
                    for j = 1, cost do
                        names[#names + 1] = expiry
                        names[#names + 1] = holder .. '#' .. j
                    end
                end
                record[PENDING] = names
                count = count + cost
                record[VALUE] = count
                record[WINDOW] = window
            end
            remaining = limit - count
            reset = 0
            retry = ok and 0 or 1000
            more = 0 -- permits come back when calls end, not with time
        elseif algorithm == 'G' then
            -- Units of 1/limit ms: the emission interval is window units, the tolerance capacity * window. math.fmod
            -- is C's fmod, exact, so the divisions below are of exact multiples.
            local tolerance = policy[p + 3] * window
            local debt = record[BEFORE]
            local over = debt + cost * window - tolerance
            ok = over <= 0
            if consume then
                debt = debt + cost * window
                record[VALUE] = debt
                record[WINDOW] = window
                record[LIMIT] = limit
            end
            local room = math.max(0, tolerance - debt)
            remaining = (room - math.fmod(room, window)) / window
            local part = math.fmod(debt, limit)
            reset = (debt - part) / limit
            if part > 0 then
                reset = reset + 1
            end
            -- more: until the room reaches the next whole emission interval (at rest: one emission interval)
            local gap = (remaining + 1) * window - room
            part = math.fmod(gap, limit)
            more = (gap - part) / limit
            if part > 0 then
                more = more + 1
            end
            retry = 0
            if not ok then
                part = math.fmod(over, limit)
                retry = (over - part) / limit
                if part > 0 then
                    retry = retry + 1
                end
            end
        else
            local capacity = policy[p + 3]
            local tokens = record[BEFORE]
            ok = tokens >= cost
            if consume then
                tokens = tokens - cost
                record[VALUE] = tokens
                record[WINDOW] = window
                record[LIMIT] = limit
                record[CAPACITY] = capacity
            end
            remaining = math.floor(tokens)
            reset = math.ceil((capacity - tokens) * window / limit)
            -- more: until the next whole token (a full bucket: until a token taken now is back)
            more = math.ceil((remaining + 1 - tokens) * window / limit)
            retry = 0
            if not ok then
                retry = math.ceil((cost - tokens) * window / limit)
            end
        end
        result[#result + 1] = ok and 1 or 0
        result[#result + 1] = remaining
        result[#result + 1] = reset
        result[#result + 1] = retry
        result[#result + 1] = more
    end
    call = call + 1 + 2 * limits
    base = base + limits
end

-- Flush: write each key once, with what the script's calls left in it.
for _, record in pairs(state) do
    local algorithm = record[KIND]
    local key = record[TARGET]
    local window = record[WINDOW]
    if algorithm == 'F' then
        local count = record[VALUE]
        local held = record[HELD]
        if count == 0 then
            if held > 0 then
                redis.call('DEL', key) -- a refused call leaves nothing behind
            end
        elseif held == 0 then
            redis.call('SET', key, count, 'PX', window - (now % window))
        else
            if count > held then
                redis.call('INCRBY', key, count - held)
            elseif count < held then
                redis.call('DECRBY', key, held - count) -- a refusal taking its increment back
            end
            if record[FIRST] == 0 then
                -- the first acquire's increment created the counter, which still needs its expiry
                redis.call('PEXPIRE', key, window - (now % window))
            end
        end
    elseif window then
        if algorithm == 'C' then
            local names = record[PENDING]
            for j = 1, #names, 200 do
                redis.call('ZADD', key, unpack(names, j, math.min(j + 199, #names)))
            end
            redis.call('PEXPIRE', key, window)
        elseif algorithm == 'G' then
            -- the TAT, and a TTL that ends when it is reached (rounded up to a millisecond)
            local debt = record[VALUE]
            local limit = record[LIMIT]
            local part = math.fmod(debt, limit)
            local ttl = (debt - part) / limit
            if part > 0 then
                ttl = ttl + 1
            end
            local tat = math.fmod(record[HELD] + debt, 4503599627370496)
            redis.call('SET', key, string.format('%.0f', tat), 'PX', ttl)
        elseif algorithm == 'S' then
            if record[PENDING] and not record[FIRST] then
                redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
            end
            addpending(record)
            redis.call('PEXPIRE', key, window)
        else
            local tokens = record[VALUE]
            local ttl = math.ceil((record[CAPACITY] - tokens) * window / record[LIMIT])
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
    end
end
return result
