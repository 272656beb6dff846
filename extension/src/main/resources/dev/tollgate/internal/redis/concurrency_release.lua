-- Gives back the permits of one or more calls in CONCURRENCY limits (see rate_limit.lua, algorithm 'C'): the calls
-- that end while others are on their way to Redis go together, one script for all of them (ConcurrencyReleases).
--
-- KEYS     one key per limit released: the limit's permits, a sorted set (on a Redis Cluster all in one hash slot)
-- ARGV     one value per key: '<cost>:<holder>', the call's cost and its holder's name. Its permits are the members
--          '<holder>' (cost 1) or '<holder>#1' to '<holder>#<cost>', as rate_limit.lua named them.
-- Returns  for each key, how many permits were given back (0 when the holder held none there any more: given back
--          already, or dropped when its lease ended).
--
-- A set left empty is deleted by Redis itself; a set left with others' permits keeps its TTL, which no permit outlives.

local result = {}
for i = 1, #KEYS do
    local cost = tonumber(string.match(ARGV[i], '^%d+'))
    local holder = string.match(ARGV[i], ':(.+)$')
    if cost == 1 then
        result[i] = redis.call('ZREM', KEYS[i], holder)
    else
        local names = {}
        for j = 1, cost do
            names[j] = holder .. '#' .. j
        end
        result[i] = redis.call('ZREM', KEYS[i], unpack(names))
    end
end
return result
