package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {

    private static final long T0 = 1_700_000_000_123L;
    /** 4 tokens per second (one per 250 ms), bursts of up to 6. */
    private static final LimitPolicy FOUR_PER_SECOND_BURST_SIX = LimitPolicy.tokenBucket(4, 1_000, 6);

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000);

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void aMissingBucketIsFull() {
        assertThat(peek(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 6, 0, 0, 250));
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 6)).isEqualTo(new LimitOutcome(true, 6, 0, 1_500, 0, 250));
    }

    @Test
    void refillsAtTheLimitPerWindow() {
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 2)).isEqualTo(new LimitOutcome(true, 6, 4, 500, 0, 250));
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 4)).isEqualTo(new LimitOutcome(true, 6, 0, 1_500, 0, 250));
        clock.advance(125); // half a token: the next whole one in 125 ms, two of them in 375
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(false, 6, 0, 1_375, 125, 125));
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 2)).isEqualTo(new LimitOutcome(false, 6, 0, 1_375, 375, 125));
        clock.advance(125); // one token
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 0, 1_500, 0, 250));
        clock.advance(1_500);
        assertThat(peek(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 6, 0, 0, 250));
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        acquire(FOUR_PER_SECOND_BURST_SIX, 1);
        clock.advance(60_000);
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 5, 250, 0, 250));
    }

    @Test
    void remainingIsTheWholeTokens() {
        LimitPolicy threePerSecond = LimitPolicy.tokenBucket(3, 1_000, 3);
        acquire(threePerSecond, 3);
        clock.advance(500); // 1.5 tokens
        assertThat(peek(threePerSecond, 1)).isEqualTo(new LimitOutcome(true, 3, 1, 500, 0, 167));
        assertThat(peek(threePerSecond, 2)).isEqualTo(new LimitOutcome(false, 3, 1, 500, 167, 167));
    }

    @Test
    void roundsInDoubleArithmeticLikeTheRedisScript() {
        // After 115 ms at 3 per second the bucket holds 115 * 3 / 1000 = 0.345 tokens, and the reset is
        // (3 - 0.345) * 1000 / 3, which is 885 exactly but 885.0000000000001 in doubles, so its ceiling is 886.
        // The Redis script computes in Lua doubles, in the same order, and must answer 886 as well.
        LimitPolicy threePerSecond = LimitPolicy.tokenBucket(3, 1_000, 3);
        acquire(threePerSecond, 3);
        clock.advance(115);
        assertThat(peek(threePerSecond, 1)).isEqualTo(new LimitOutcome(false, 3, 0, 886, 219, 219));
    }

    @Test
    void aClockSteppingBackNeitherRefillsNorTakesTokens() {
        acquire(FOUR_PER_SECOND_BURST_SIX, 6);
        clock.set(T0 - 500);
        assertThat(peek(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(false, 6, 0, 1_500, 250, 250));
        clock.set(T0 + 250);
        assertThat(peek(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 1, 1_250, 0, 250));
    }

    @Test
    void peekTakesNoToken() {
        acquire(FOUR_PER_SECOND_BURST_SIX, 5);
        assertThat(peek(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 1, 1_250, 0, 250));
        assertThat(peek(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 1, 1_250, 0, 250));
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 0, 1_500, 0, 250));
    }

    private LimitOutcome acquire(LimitPolicy policy, long cost) {
        return backend.acquire(List.of(request(policy, cost))).outcome(0);
    }

    private LimitOutcome peek(LimitPolicy policy, long cost) {
        return backend.peek(List.of(request(policy, cost))).outcome(0);
    }

    private static LimitRequest request(LimitPolicy policy, long cost) {
        return new LimitRequest("uploads", "bob", policy, cost);
    }
}
