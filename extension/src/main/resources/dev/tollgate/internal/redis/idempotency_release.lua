-- Deletes an in-progress record, only for its owner (compare-and-set on the owner token), so that the next claim
-- goes ahead.
--
-- KEYS[1]   the record (see idempotency_claim.lua)
-- ARGV[1]   owner token of the caller
-- Returns   1 if deleted; 0, deleting nothing, if the record is gone, completed (no owner) or another owner's

if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then
    return 0
end
redis.call('DEL', KEYS[1])
return 1
