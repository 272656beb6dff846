package dev.tollgate.internal.local;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store keeps a partition's states in one chain, one state per limiter ({@link LimitStates}): each limiter finds
 * its own, whichever others are created, replaced or removed beside it, and limiters changing one chain at once (each
 * under its own stripe) lose nothing.
 */
class PartitionChainTest {

    private static final long WINDOW_START = 1_700_000_000_000L;
    private static final LimitPolicy HUNDRED_PER_SECOND = LimitPolicy.window(Algorithm.FIXED_WINDOW, 100, 1_000);

    private final ManualClock clock = new ManualClock(WINDOW_START);
    private final LimitStates states =
            new LimitStates(new StripedLocks(InMemoryRateLimitBackend.LOCK_STRIPES), clock, 1_000_000);

    @Test
    void eachLimiterFindsItsOwnStateAmongThoseOfItsPartition() {
        List<FixedWindowCounter> counters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            counters.add(counter());
            states.put(new LimitKey("limiter-" + i, "p"), counters.get(i));
        }
        states.put(new LimitKey("limiter-0", "q"), counter());

        for (int i = 0; i < 5; i++) {
            // An equal string that is not the same one: found by equality once the reference differs.
            assertThat(states.get(new String("limiter-" + i), "p")).isSameAs(counters.get(i));
        }
        assertThat(states.get("limiter-5", "p")).isNull();
        assertThat(states.get("limiter-1", "q")).isNull();
        assertThat(states.size()).isEqualTo(6);
    }

    /** Removing the first, a middle and the last state of a chain, and replacing one, leaves the others in place. */
    @Test
    void removingOrReplacingOneStateKeepsTheOthers() {
        List<FixedWindowCounter> counters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            counters.add(counter());
            states.put(new LimitKey("limiter-" + i, "p"), counters.get(i));
        }
        // Stored first, so last in the chain (each new state goes first); the last stored is first.
        states.remove(new LimitKey("limiter-0", "p"));
        states.remove(new LimitKey("limiter-2", "p"));
        states.remove(new LimitKey("limiter-4", "p"));
        states.remove(new LimitKey("limiter-4", "p")); // twice: nothing more to remove
        FixedWindowCounter replacement = counter();
        states.put(new LimitKey("limiter-3", "p"), replacement);

        assertThat(states.get("limiter-0", "p")).isNull();
        assertThat(states.get("limiter-1", "p")).isSameAs(counters.get(1));
        assertThat(states.get("limiter-2", "p")).isNull();
        assertThat(states.get("limiter-3", "p")).isSameAs(replacement);
        assertThat(states.get("limiter-4", "p")).isNull();
        assertThat(states.size()).isEqualTo(2);

        states.remove(new LimitKey("limiter-1", "p"));
        states.remove(new LimitKey("limiter-3", "p"));
        assertThat(states.get("limiter-3", "p")).isNull();
        assertThat(states.size()).isZero();
    }

    /** A sweep removes the expired states of a chain and keeps the live ones, wherever they are in it. */
    @Test
    void aSweepTakesOnlyTheExpiredStatesOutOfAChain() {
        FixedWindowCounter live = counter();
        states.put(new LimitKey("old-1", "p"), counter());
        states.put(new LimitKey("live", "p"), live);
        states.put(new LimitKey("old-2", "p"), counter());
        clock.advance(1_000);
        assertThat(live.tryAcquire(HUNDRED_PER_SECOND, 1, clock).permitted()).isTrue(); // moved on: kept

        states.sweepAll();

        assertThat(states.get("old-1", "p")).isNull();
        assertThat(states.get("old-2", "p")).isNull();
        assertThat(states.get("live", "p")).isSameAs(live);
        assertThat(states.size()).isEqualTo(1);
    }

    @Test
    void aStateIsStoredForOneLimiterOnly() {
        FixedWindowCounter counter = counter();
        states.put(new LimitKey("a", "p"), counter);
        assertThatThrownBy(() -> states.put(new LimitKey("b", "p"), counter))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a state of a cannot be stored as one of b");
    }

    /**
     * Sixteen limiters (fixed windows without a lock and sliding logs under it) on one partition, sixteen threads, one
     * each, 150 calls each per window against a limit of 100, while a seventeenth thread sweeps all along: every
     * limiter admits exactly 100 in every window. Each window's first calls create the partition's chain, all at once,
     * while the sweeper takes the last window's chain apart.
     */
    @Test
    void limitersSharingAPartitionAdmitExactlyTheirLimitWhileTheChainChanges() throws Exception {
        int limiters = 16;
        int windows = 20;
        InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000_000);
        CyclicBarrier start = new CyclicBarrier(limiters, () -> clock.advance(1_000));
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(limiters + 1);
        try {
            Future<?> sweeper = pool.submit(() -> {
                while (!done.get()) {
                    backend.storedStates();
                }
            });
            List<Future<long[]>> admitted = new ArrayList<>();
            for (int i = 0; i < limiters; i++) {
                String limiter = "limiter-" + i;
                LimitPolicy policy = LimitPolicy.window(
                        i % 2 == 0 ? Algorithm.FIXED_WINDOW : Algorithm.SLIDING_WINDOW, 100, 1_000);
                admitted.add(pool.submit(() -> {
                    long[] perWindow = new long[windows];
                    for (int window = 0; window < windows; window++) {
                        start.await(30, TimeUnit.SECONDS);
                        // The same partition for a few windows, then a new one: chains reused and chains created.
                        List<LimitRequest> call = List.of(new LimitRequest(limiter, "p-" + window / 3, policy, 1));
                        for (int c = 0; c < 150; c++) {
                            if (backend.acquire(call).permitted()) {
                                perWindow[window]++;
                            }
                        }
                    }
                    return perWindow;
                }));
            }
            for (int i = 0; i < limiters; i++) {
                long[] perWindow = admitted.get(i).get(60, TimeUnit.SECONDS);
                for (int window = 0; window < windows; window++) {
                    assertThat(perWindow[window]).as("limiter-%d, window %d", i, window).isEqualTo(100);
                }
            }
            done.set(true);
            sweeper.get(30, TimeUnit.SECONDS);
            clock.advance(1_000);
            assertThat(backend.storedStates()).isZero();
        } finally {
            done.set(true);
            pool.shutdownNow();
            backend.close();
        }
    }

    private FixedWindowCounter counter() {
        return FixedWindowCounter.windowOf(HUNDRED_PER_SECOND, clock.millis());
    }
}
