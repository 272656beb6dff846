package dev.tollgate.internal.local;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tollgate.RateLimit.Algorithm.FIXED_WINDOW;
import static dev.tollgate.RateLimit.Algorithm.SLIDING_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The locking of multi-limit calls, also beside calls of one limit that take no lock. (Exact admission under
 * contention for one limit alone is the contract suite's.)
 */
class StripedLockingTest {

    private static final LimitPolicy THOUSAND = LimitPolicy.window(FIXED_WINDOW, 1_000, LimitPolicy.MAX_WINDOW_MILLIS);
    private static final LimitPolicy SIX_HUNDRED = LimitPolicy.window(SLIDING_WINDOW, 600, LimitPolicy.MAX_WINDOW_MILLIS);

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final StripedLocks sameStripesAsTheBackend = new StripedLocks(InMemoryRateLimitBackend.LOCK_STRIPES);

    @Test
    void callsTakingTwoLimitsInOppositeOrdersNeitherDeadlockNorOverAdmit() throws Exception {
        LimitRequest a = new LimitRequest("a", "", THOUSAND, 1);
        LimitRequest b = new LimitRequest("b", "", SIX_HUNDRED, 1);
        int[] stripes = sameStripesAsTheBackend.stripesOf(new LimitKey[] {LimitKey.of(a), LimitKey.of(b)});
        assertThat(stripes[0]).as("the keys must be in two stripes to be locked in an order").isNotEqualTo(stripes[1]);

        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            AtomicInteger admitted = new AtomicInteger();
            runConcurrently(16, 100, call -> {
                List<LimitRequest> limits = call % 2 == 0 ? List.of(a, b) : List.of(b, a);
                if (backend.acquire(limits).permitted()) {
                    admitted.incrementAndGet();
                }
            });
            assertThat(admitted).hasValue(600);
            RateLimitDecision after = backend.peek(List.of(a, b));
            assertThat(after.outcome(0).remaining()).isEqualTo(400);
            assertThat(after.outcome(1).remaining()).isZero();
        }
    }

    @Test
    void twoLimitsInOneStripeAreLockedTwiceAndReleasedTwice() throws Exception {
        LimitRequest first = new LimitRequest("first", "", THOUSAND, 1);
        LimitRequest second = sharingAStripeWith(first);
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            assertThat(backend.acquire(List.of(first, second)).permitted()).isTrue();
            // Another thread gets the stripe afterwards: the call left nothing locked.
            runConcurrently(1, 1, call -> backend.acquire(List.of(second)));
            assertThat(backend.peek(List.of(second)).outcome(0).remaining()).isEqualTo(998);
        }
    }

    /**
     * Calls of one limit take permits without a lock ({@link SharedLimitState}) while multi-limit calls hold the same
     * state under the lock: together they admit exactly the limit, and the multi-limit calls admitted consumed from
     * their other limit, the refused ones from neither.
     */
    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"FIXED_WINDOW", "TOKEN_BUCKET", "GCRA"})
    void oneLimitCallsWithoutTheLockAndMultiLimitCallsOnOneStateAdmitExactlyTheLimit(Algorithm algorithm)
            throws Exception {
        // The manual clock stands still: nothing refills, so exactly 600 calls have room.
        LimitPolicy sixHundred = switch (algorithm) {
            case TOKEN_BUCKET -> LimitPolicy.tokenBucket(600, 60_000, 600);
            case GCRA -> LimitPolicy.gcra(600, 60_000, 600);
            default -> LimitPolicy.window(algorithm, 600, 60_000);
        };
        LimitRequest shared = new LimitRequest("shared", "p", sixHundred, 1);
        LimitRequest other = new LimitRequest("other", "p", THOUSAND, 1);
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger admittedWithOther = new AtomicInteger();
            runConcurrently(16, 100, call -> {
                List<LimitRequest> limits = switch (call % 3) {
                    case 0 -> List.of(shared, other);
                    case 1 -> List.of(other, shared);
                    default -> List.of(shared);
                };
                if (backend.acquire(limits).permitted()) {
                    admitted.incrementAndGet();
                    if (limits.size() == 2) {
                        admittedWithOther.incrementAndGet();
                    }
                }
            });
            assertThat(admitted).hasValue(600);
            RateLimitDecision after = backend.peek(List.of(shared, other));
            assertThat(after.outcome(0).remaining()).isZero();
            assertThat(after.outcome(1).remaining()).isEqualTo(1_000 - admittedWithOther.get());
        }
    }

    private LimitRequest sharingAStripeWith(LimitRequest first) {
        for (int i = 0; ; i++) {
            LimitRequest candidate = new LimitRequest("second-" + i, "", THOUSAND, 1);
            int[] stripes = sameStripesAsTheBackend.stripesOf(
                    new LimitKey[] {LimitKey.of(first), LimitKey.of(candidate)});
            if (stripes[0] == stripes[1]) {
                return candidate;
            }
        }
    }

    private interface Call {
        void run(int call) throws Exception;
    }

    /** Starts all threads at once; fails instead of hanging if the calls deadlock. */
    private static void runConcurrently(int threads, int callsPerThread, Call call) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    running.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < callsPerThread; i++) {
                            call.run(thread * callsPerThread + i);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> future : running) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }
}
