-- Turns an in-progress record into a completed one, only for its owner (compare-and-set on the owner token).
--
-- KEYS[1]   the record (see idempotency_claim.lua)
-- ARGV[1]   owner token of the caller
-- ARGV[2]   the result: opaque bytes, stored as they are (Lua strings and hash fields are binary-safe)
-- ARGV[3]   how long the completed record is kept, in ms (> 0)
-- Returns   1 if completed; 0, storing nothing, if the record is gone, completed (no owner) or another owner's
--
-- The owner field is removed: a completed record has no owner, so nobody can complete, renew or release it again.

if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then
    return 0
end
redis.call('HDEL', KEYS[1], 'o')
redis.call('HSET', KEYS[1], 'r', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
