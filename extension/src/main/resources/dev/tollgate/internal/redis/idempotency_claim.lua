-- Claims an idempotency key, or reports the record that holds it. One call, so no other call can slip in between
-- the look and the write.
--
-- KEYS[1]   the record: a hash with 'f' (fingerprint), 'o' (owner, only while in progress) and 'r' (the result,
--           only once completed)
-- ARGV[1]   fingerprint of the request
-- ARGV[2]   owner token of the caller
-- ARGV[3]   lease in ms (> 0)
-- Returns   { 0 }            claimed: the record is new, in progress, owned by ARGV[2], expiring after the lease
--           { 1 }            mismatch: the record has another fingerprint
--           { 2, result }    completed: the stored result, as the bytes that were stored
--           { 3, lease ms }  in progress: how long the owner's lease still runs (PTTL)
--
-- The lease is the key's expiry (PEXPIRE), so its time is the Redis server's. Every key written gets a TTL.

local record = redis.call('HMGET', KEYS[1], 'f', 'o', 'r')
local fingerprint, owner, result = record[1], record[2], record[3]

if not fingerprint then
    redis.call('HSET', KEYS[1], 'f', ARGV[1], 'o', ARGV[2])
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return { 0 }
end
if fingerprint ~= ARGV[1] then
    return { 1 }
end
if result then
    return { 2, result }
end
return { 3, redis.call('PTTL', KEYS[1]) }
