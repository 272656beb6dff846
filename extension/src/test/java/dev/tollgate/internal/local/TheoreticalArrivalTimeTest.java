package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** GCRA's numbers at exact times (a manual clock), and how long its state is kept. */
class TheoreticalArrivalTimeTest {

    private static final long T0 = 1_700_000_000_123L;
    /** 4 per second (T = 250 ms), bursts of up to 6 (tolerance 1,500 ms). */
    private static final LimitPolicy FOUR_PER_SECOND_BURST_SIX = LimitPolicy.gcra(4, 1_000, 6);
    /** 3 per second: T = 333⅓ ms, not a whole number of milliseconds. */
    private static final LimitPolicy THREE_PER_SECOND = LimitPolicy.gcra(3, 1_000, 3);

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000);

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void aPartitionAtRestHasItsWholeBurst() {
        assertThat(peek(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 6, 0, 0, 250));
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 6)).isEqualTo(new LimitOutcome(true, 6, 0, 1_500, 0, 250));
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(false, 6, 0, 1_500, 250, 250));
    }

    @Test
    void eachPermitMovesTheArrivalTimeOneIntervalOn() {
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 2)).isEqualTo(new LimitOutcome(true, 6, 4, 500, 0, 250));
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 4)).isEqualTo(new LimitOutcome(true, 6, 0, 1_500, 0, 250));
        clock.advance(125); // half an interval
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(false, 6, 0, 1_375, 125, 125));
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 2)).isEqualTo(new LimitOutcome(false, 6, 0, 1_375, 375, 125));
        clock.advance(125); // one interval
        assertThat(acquire(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 0, 1_500, 0, 250));
        clock.advance(10_000); // long at rest: never more than the burst
        assertThat(peek(FOUR_PER_SECOND_BURST_SIX, 1)).isEqualTo(new LimitOutcome(true, 6, 6, 0, 0, 250));
    }

    @Test
    void aFractionalIntervalIsKeptExactly() {
        for (int i = 1; i <= 3; i++) {
            // reset: ceil(i × 333⅓); next: one interval, ceil(333⅓)
            assertThat(acquire(THREE_PER_SECOND, 1))
                    .isEqualTo(new LimitOutcome(true, 3, 3 - i, (1_000 * i + 2) / 3, 0, 334));
        }
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(false, 3, 0, 1_000, 334, 334));
        clock.advance(333); // a third of a millisecond short of an interval
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(false, 3, 0, 667, 1, 1));
        clock.advance(1);
        // 334 ms after the first three calls: a TAT of 999⅓ ms ahead, a permit's room in 332⅔ ms
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 0, 1_000, 0, 333));
        clock.advance(666); // 1,000 ms after the first three: 333⅓ ms ahead
        assertThat(peek(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 2, 334, 0, 334));
        clock.advance(333); // a third of a millisecond ahead
        assertThat(peek(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 2, 1, 0, 1));
        clock.advance(1);
        assertThat(peek(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 3, 0, 0, 334));
    }

    /**
     * Kept past the moment the partition is back at rest, for two tolerances (a second each here): calls decided
     * without a lock never store it, so it must outlast whatever any of them can take (see {@link SharedLimitState}).
     */
    @Test
    void theStateIsKeptUntilThePartitionIsBackAtRestAndAtMostTwoTolerancesLonger() {
        acquire(THREE_PER_SECOND, 2);
        assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(2_000));
        // TAT = 666⅔ ms ahead: at rest the millisecond after it
        clock.advance(666);
        assertThat(peek(THREE_PER_SECOND, 1).remaining()).isEqualTo(2);
        clock.advance(1);
        assertThat(peek(THREE_PER_SECOND, 1).remaining()).isEqualTo(3);
        clock.advance(1_332);
        assertThat(backend.storedStates()).isEqualTo(1);
        clock.advance(1);
        assertThat(backend.timeToLive("x", "")).isEmpty();
        assertThat(backend.storedStates()).isZero();
    }

    @Test
    void peeksAndRefusalsStoreNothing() {
        peek(THREE_PER_SECOND, 1);
        assertThat(backend.storedStates()).isZero();
        acquire(THREE_PER_SECOND, 3);
        assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(2_000));
        clock.advance(100);
        assertThat(acquire(THREE_PER_SECOND, 1).permitted()).isFalse();
        assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(1_900));
    }

    private LimitOutcome acquire(LimitPolicy policy, long cost) {
        return backend.acquire(List.of(new LimitRequest("x", "", policy, cost))).outcome(0);
    }

    private LimitOutcome peek(LimitPolicy policy, long cost) {
        return backend.peek(List.of(new LimitRequest("x", "", policy, cost))).outcome(0);
    }
}
