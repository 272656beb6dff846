package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static dev.tollgate.RateLimit.Algorithm.FIXED_WINDOW;
import static dev.tollgate.RateLimit.Algorithm.SLIDING_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

/** What is kept, for how long, and what happens at the bound. */
class StoredStateTest {

    private static final long WINDOW_START = 1_700_000_000_000L;

    private final ManualClock clock = new ManualClock(WINDOW_START + 250);

    @Test
    void aFixedWindowIsKeptUntilItsEnd() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            acquire(backend, LimitPolicy.window(FIXED_WINDOW, 3, 1_000), 1);
            assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(750));
            clock.set(WINDOW_START + 999);
            assertThat(backend.storedStates()).isEqualTo(1);
            clock.set(WINDOW_START + 1_000);
            assertThat(backend.timeToLive("x", "")).isEmpty();
            assertThat(backend.storedStates()).isZero();
        }
    }

    /**
     * A fixed window whose length changed (a redeployment with another policy) starts a counter of the new window even
     * while the stored one's window is not over: the lock-free path checks the window's length, not only that now
     * falls inside the stored window.
     */
    @Test
    void aFixedWindowOfAnotherLengthStartsAFreshCounter() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            LimitPolicy twoPerSecond = LimitPolicy.window(FIXED_WINDOW, 2, 1_000);
            assertThat(acquire(backend, twoPerSecond, 2).remaining()).isZero();
            LimitPolicy fivePerTenSeconds = LimitPolicy.window(FIXED_WINDOW, 5, 10_000);
            assertThat(IntStream.range(0, 6).mapToObj(i -> acquire(backend, fivePerTenSeconds, 1).permitted()))
                    .containsExactly(true, true, true, true, true, false);
            assertThat(acquire(backend, twoPerSecond, 1).permitted()).as("and back: a fresh 1 s counter").isTrue();
        }
    }

    /** A call of one limit stores its state again only when the expiry moved: both cases keep the right expiry. */
    @Test
    void aStateIsKeptUntilItsLatestExpiryWhetherOrNotACallMovedIt() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            LimitPolicy threePerSecond = LimitPolicy.window(FIXED_WINDOW, 3, 1_000);
            acquire(backend, threePerSecond, 1);
            clock.set(WINDOW_START + 900);
            acquire(backend, threePerSecond, 1); // same window: the expiry does not move
            assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(100));
            clock.set(WINDOW_START + 1_200);
            acquire(backend, threePerSecond, 1); // next window: it moves to that window's end
            assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(800));
            assertThat(acquire(backend, threePerSecond, 2).remaining()).isZero();

            // A bucket is kept for two full refills (here a second each) from the store, and stored again only once
            // less than one is left: then a call could leave it short of full beyond the kept time.
            LimitPolicy fourPerSecond = LimitPolicy.tokenBucket(4, 1_000, 4);
            acquire(backend, "y", fourPerSecond, 1);
            assertThat(backend.timeToLive("y", "")).contains(Duration.ofMillis(2_000));
            clock.advance(1_000);
            acquire(backend, "y", fourPerSecond, 4); // a full refill left: not moved
            assertThat(backend.timeToLive("y", "")).contains(Duration.ofMillis(1_000));
            clock.advance(1);
            // Less left: moved, by a refused call too.
            assertThat(acquire(backend, "y", fourPerSecond, 1).permitted()).isFalse();
            assertThat(backend.timeToLive("y", "")).contains(Duration.ofMillis(2_000));
            clock.advance(2_000);
            assertThat(backend.timeToLive("y", "")).isEmpty();
        }
    }

    @Test
    void aSlidingLogIsKeptUntilOneWindowAfterItsNewestEntry() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            LimitPolicy threePerSecond = LimitPolicy.window(SLIDING_WINDOW, 3, 1_000);
            acquire(backend, threePerSecond, 1);
            clock.advance(400);
            acquire(backend, threePerSecond, 1);
            assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(1_000));
            clock.advance(999);
            assertThat(backend.storedStates()).isEqualTo(1);
            clock.advance(1);
            assertThat(backend.timeToLive("x", "")).isEmpty();
            assertThat(backend.storedStates()).isZero();
        }
    }

    /**
     * Kept past the moment it is full again (750 ms here), for two full refills: calls decided without a lock never
     * store it, so it must outlast whatever any of them can take (see {@link SharedLimitState}).
     */
    @Test
    void aTokenBucketIsKeptUntilItIsFullAgainAndAtMostTwoRefillsLonger() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            LimitPolicy fourPerSecond = LimitPolicy.tokenBucket(4, 1_000, 4);
            acquire(backend, fourPerSecond, 3);
            assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(2_000));
            clock.advance(749);
            assertThat(backend.peek(List.of(request("x", fourPerSecond, 4))).permitted()).isFalse();
            clock.advance(1);
            assertThat(backend.peek(List.of(request("x", fourPerSecond, 4))).permitted()).isTrue();
            clock.advance(1_249);
            assertThat(backend.storedStates()).isEqualTo(1);
            clock.advance(1);
            assertThat(backend.timeToLive("x", "")).isEmpty();
            assertThat(backend.storedStates()).isZero();
        }
    }

    @Test
    void peeksStoreNothing() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            backend.peek(List.of(
                    request("fixed", LimitPolicy.window(FIXED_WINDOW, 3, 1_000), 1),
                    request("sliding", LimitPolicy.window(SLIDING_WINDOW, 3, 1_000), 1),
                    request("bucket", LimitPolicy.tokenBucket(3, 1_000, 3), 1)));
            assertThat(backend.storedStates()).isZero();
        }
    }

    @Test
    void atTheBoundNewPartitionsShareTheOverflowPartitionAndNoStateIsDropped() {
        LimitPolicy onePerMinute = LimitPolicy.window(FIXED_WINDOW, 1, 60_000);
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 10)) {
            long admitted = IntStream.range(0, 50)
                    .filter(i -> backend.acquire(List.of(partition(i, onePerMinute))).permitted())
                    .count();
            // Ten partitions got their own state, the other forty shared one permit.
            assertThat(admitted).isEqualTo(11);
            assertThat(backend.storedStates()).isEqualTo(11);
            assertThat(backend.timeToLive("login", InMemoryRateLimitBackend.OVERFLOW_PARTITION)).isPresent();
            // No partition got a fresh limit: the first ten kept their states, the rest meet the overflow's.
            long admittedAgain = IntStream.range(0, 50)
                    .filter(i -> backend.peek(List.of(partition(i, onePerMinute))).permitted())
                    .count();
            assertThat(admittedAgain).isZero();
            // Another limiter has its own overflow partition.
            assertThat(backend.acquire(List.of(new LimitRequest("other", "p", onePerMinute, 1))).permitted()).isTrue();
            assertThat(backend.acquire(List.of(new LimitRequest("other", "q", onePerMinute, 1))).permitted()).isFalse();
            // Once the states have expired, newcomers have their own again.
            clock.advance(60_000);
            assertThat(backend.acquire(List.of(partition(0, onePerMinute))).permitted()).isTrue();
            assertThat(backend.acquire(List.of(partition(1, onePerMinute))).permitted()).isTrue();
        }
    }

    @Test
    void twoLimitsOfOneLimiterInOneCallAreNotCountedTwiceOnTheOverflowPartition() {
        LimitPolicy twoPerMinute = LimitPolicy.window(FIXED_WINDOW, 2, 60_000);
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1)) {
            backend.acquire(List.of(partition(0, twoPerMinute)));
            assertThat(backend.acquire(List.of(partition(1, twoPerMinute), partition(2, twoPerMinute))).permitted())
                    .isTrue();
            assertThat(backend.storedStates()).isEqualTo(3);
        }
    }

    @Test
    void aRefillLongerThanALongSaturates() {
        LimitPolicy hugeSlowBucket = LimitPolicy.tokenBucket(1, LimitPolicy.MAX_WINDOW_MILLIS, LimitPolicy.MAX_PERMITS);
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            assertThat(acquire(backend, hugeSlowBucket, LimitPolicy.MAX_PERMITS).resetMillis())
                    .isEqualTo(Long.MAX_VALUE);
            clock.advance(LimitPolicy.MAX_WINDOW_MILLIS);
            assertThat(backend.storedStates()).isEqualTo(1);
            assertThat(backend.peek(List.of(request("x", hugeSlowBucket, 2))).permitted()).isFalse();
        }
    }

    @Test
    void anotherAlgorithmUnderTheSameNameStartsOver() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            acquire(backend, LimitPolicy.window(FIXED_WINDOW, 1, 1_000), 1);
            assertThat(acquire(backend, LimitPolicy.window(SLIDING_WINDOW, 1, 1_000), 1).permitted()).isTrue();
            assertThat(acquire(backend, LimitPolicy.window(FIXED_WINDOW, 1, 1_000), 1).permitted()).isTrue();
            assertThat(backend.storedStates()).isEqualTo(1);
        }
    }

    @Test
    void closeForgetsEverythingAndMayBeRepeated() {
        InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000);
        LimitPolicy onePerSecond = LimitPolicy.window(FIXED_WINDOW, 1, 1_000);
        acquire(backend, onePerSecond, 1);
        backend.close();
        backend.close();
        assertThat(backend.storedStates()).isZero();
        assertThat(backend.name()).isEqualTo("memory");
    }

    private static LimitOutcome acquire(InMemoryRateLimitBackend backend, LimitPolicy policy, long cost) {
        return acquire(backend, "x", policy, cost);
    }

    private static LimitOutcome acquire(InMemoryRateLimitBackend backend, String limiter, LimitPolicy policy,
                                        long cost) {
        return backend.acquire(List.of(request(limiter, policy, cost))).outcome(0);
    }

    private static LimitRequest partition(int i, LimitPolicy policy) {
        return new LimitRequest("login", "client-" + i, policy, 1);
    }

    private static LimitRequest request(String limiter, LimitPolicy policy, long cost) {
        return new LimitRequest(limiter, "", policy, cost);
    }
}
