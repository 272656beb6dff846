-- Renews the lease of the permits one call holds in one CONCURRENCY limit (see rate_limit.lua, algorithm 'C').
--
-- KEYS[1]  the limit's permits: a sorted set scored by the end of each permit's lease (server ms)
-- ARGV[1]  the lease (ms)
-- ARGV[2..] the call's members: its holder's name, or '<holder>#<j>' for each of the permits of a call of cost c
-- Returns  1 when every member was still there: each lease now ends one lease from now, and so does the key;
--          0 when any was gone (its lease ended and an acquire dropped it, or the call gave it back): nothing is
--          written, since a permit once freed may have been taken by another call.
--
-- A member whose lease has ended but which no acquire has dropped yet is renewed: no other call can have taken its
-- place, since only an acquire drops it. Time is the server's (TIME).

if redis.replicate_commands then
    redis.replicate_commands()
end

for i = 2, #ARGV do
    if not redis.call('ZSCORE', KEYS[1], ARGV[i]) then
        return 0
    end
end
local time = redis.call('TIME')
local lease = tonumber(ARGV[1])
local ends = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + lease
for i = 2, #ARGV do
    redis.call('ZADD', KEYS[1], 'XX', ends, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], lease)
return 1
