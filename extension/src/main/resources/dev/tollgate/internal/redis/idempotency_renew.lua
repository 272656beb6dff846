-- Extends the lease of an in-progress record, only for its owner (compare-and-set on the owner token).
--
-- KEYS[1]   the record (see idempotency_claim.lua)
-- ARGV[1]   owner token of the caller
-- ARGV[2]   new lease in ms from now (> 0)
-- Returns   1 if renewed; 0, changing nothing, if the record is gone, completed (no owner) or another owner's

if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then
    return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
