package dev.tollgate.benchmarks;

import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.PermitHolders;
import dev.tollgate.internal.ratelimit.RateLimitBackend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tollgate's {@code CONCURRENCY} limit, on any backend, as a guarded call uses it apart from the method itself: one
 * operation takes a permit in the name of a new holder and, when permitted, gives it back and waits until the store
 * has it ({@code release(...).join()}). On Redis that is two round trips, the script and a {@code ZREM}.
 *
 * <p>The limit is {@link #LIMIT} calls at once per partition, twice the 32 JMH threads of the runs: a thread holds at
 * most one permit at a time and waits for it to be back before its next operation, so no operation should be
 * refused; the refusals are counted anyway, and written to {@link StatsFile} ({@code concurrency} lines) when the
 * contender closes. The lease is a minute, what {@code @RateLimit}'s default window gives. The rate of the
 * {@link Policy} the other contenders run does not apply to a limit of calls at once.
 */
final class ConcurrentCalls implements Contender {

    static final long LIMIT = 64;
    static final Duration LEASE = Duration.ofMinutes(1);

    private final RateLimitBackend backend;
    private final List<LimitRequest> requests;
    private final LongAdder operations = new LongAdder();
    private final LongAdder refused = new LongAdder();

    ConcurrentCalls(RateLimitBackend backend, String[] partitions) {
        this.backend = backend;
        LimitPolicy policy = LimitPolicy.concurrency(LIMIT, LEASE.toMillis());
        requests = new ArrayList<>(partitions.length);
        for (String partition : partitions) {
            requests.add(new LimitRequest(Keys.LIMITER, partition, policy, 1));
        }
    }

    @Override
    public boolean decide(int index) {
        operations.increment();
        List<LimitRequest> held = List.of(requests.get(index).heldBy(PermitHolders.next()));
        if (!backend.acquire(held).permitted()) {
            refused.increment();
            return false;
        }
        backend.release(held).join();
        return true;
    }

    /** Writes {@code concurrency <backend> <partitions> <operations> <refused>} (warm-up included), then closes. */
    @Override
    public void close() {
        StatsFile.append("concurrency", backend.name(), String.valueOf(requests.size()),
                String.valueOf(operations.sum()), String.valueOf(refused.sum()));
        backend.close();
    }
}
