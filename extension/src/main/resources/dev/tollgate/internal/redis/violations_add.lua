-- Adds one flush's refusals to a limiter's violation ranking of one period (RedisViolationStore).
--
-- KEYS[1]  the ranking: a sorted set, a member per partition scored by its refusals
-- ARGV[1]  how many partitions to keep (the most refused)
-- ARGV[2]  the ranking's time to live (ms): three periods, so a period is forgotten two periods after it ended
-- ARGV[3..] pairs: partition, refusals to add
-- Returns  each partition's total after the addition, in the order given (ZINCRBY's answers: whichever instance's
--          addition crosses a threshold sees it, exactly one)

local totals = {}
for i = 3, #ARGV, 2 do
    totals[#totals + 1] = tonumber(redis.call('ZINCRBY', KEYS[1], ARGV[i + 1], ARGV[i]))
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return totals
