-- Runs one or more operations on idempotency records, one after the other: what as many scripts run back to back
-- would have done. The client batches the operations that arrive while others are on their way
-- (RedisIdempotencyStore), so that under load a round trip and a script start are paid once per batch. Each operation
-- looks and writes in one step: a claim cannot lose a race, and renew, complete and release compare the owner token
-- first, so a caller whose lease ran out cannot change a newer owner's record.
--
-- A record is one hash: 'f' (fingerprint), 'o' (owner, only while in progress) and 'r' (the result, only once
-- completed). Its lease, or its time to live once completed, is the key's expiry (PEXPIRE): the Redis server's time.
-- Every key written gets a TTL.
--
-- KEYS[i]   the record of operation i (on a Redis Cluster all in one hash slot: the caller batches by slot)
-- ARGV      for each operation, its code and then its arguments:
--             'c' fingerprint owner lease-ms   claim
--             'n' owner lease-ms               renew (the lease is set to lease-ms from now)
--             'd' owner result ttl-ms          complete (the result is opaque bytes, stored as they are)
--             'r' owner                        release
-- Returns   two values per operation:
--             claim     0, 0       claimed: the record is new, in progress, owned by owner, expiring after the lease
--                       1, 0       mismatch: the record has another fingerprint
--                       2, result  completed: the stored result, as the bytes that were stored
--                       3, ms      in progress: how long the owner's lease still runs (PTTL)
--             the others 1, 0 if done; 0, 0, changing nothing, if the record is gone, completed (no owner) or
--                       another owner's
-- (RedisIdempotencyStore is the Java side of this layout.)

local reply = {}
local at = 1
for i = 1, #KEYS do
    local key = KEYS[i]
    local code = ARGV[at]
    local state, value = 0, 0
    if code == 'c' then
        local record = redis.call('HMGET', key, 'f', 'r')
        if not record[1] then
            redis.call('HSET', key, 'f', ARGV[at + 1], 'o', ARGV[at + 2])
            redis.call('PEXPIRE', key, ARGV[at + 3])
        elseif record[1] ~= ARGV[at + 1] then
            state = 1
        elseif record[2] then
            state, value = 2, record[2]
        else
            state, value = 3, redis.call('PTTL', key)
        end
        at = at + 4
    else
        -- renew, complete and release: only the owner's (a completed record has no owner)
        local width = code == 'n' and 3 or code == 'd' and 4 or code == 'r' and 2
        if not width then
            return redis.error_reply('tollgate: unknown idempotency operation ' .. tostring(code))
        end
        if redis.call('HGET', key, 'o') == ARGV[at + 1] then
            state = 1
            if code == 'n' then
                redis.call('PEXPIRE', key, ARGV[at + 2])
            elseif code == 'd' then
                redis.call('HDEL', key, 'o')
                redis.call('HSET', key, 'r', ARGV[at + 2])
                redis.call('PEXPIRE', key, ARGV[at + 3])
            else
                redis.call('DEL', key)
            end
        end
        at = at + width
    end
    reply[2 * i - 1] = state
    reply[2 * i] = value
end
return reply
