package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tollgate.RateLimit.Algorithm.SLIDING_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

class SlidingWindowTest {

    private static final long T0 = 1_700_000_000_123L;
    private static final LimitPolicy THREE_PER_SECOND = LimitPolicy.window(SLIDING_WINDOW, 3, 1_000);
    private static final LimitPolicy FIVE_PER_SECOND = LimitPolicy.window(SLIDING_WINDOW, 5, 1_000);

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000);

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void countsThePermitsOfTheLastWindow() {
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 2, 1_000, 0, 1000));
        clock.set(T0 + 300);
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 1, 1_000, 0, 700));
        clock.set(T0 + 600);
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 0, 1_000, 0, 400));
        clock.set(T0 + 700);
        // Reset waits for the newest entry (T0 + 600), retry and next only for the oldest (T0).
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(false, 3, 0, 900, 300, 300));
        clock.set(T0 + 999);
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(false, 3, 0, 601, 1, 1));
        clock.set(T0 + 1_000); // the entry at T0 is out: ts <= now - W
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 0, 1_000, 0, 300));
    }

    @Test
    void retryAfterWaitsUntilEnoughEntriesHaveLeft() {
        assertThat(acquire(FIVE_PER_SECOND, 3)).isEqualTo(new LimitOutcome(true, 5, 2, 1_000, 0, 1000));
        clock.set(T0 + 100);
        assertThat(acquire(FIVE_PER_SECOND, 2)).isEqualTo(new LimitOutcome(true, 5, 0, 1_000, 0, 900));
        clock.set(T0 + 200);
        // Log: T0 x3, T0+100 x2. Cost 3 needs the 3rd oldest gone (T0), cost 4 the 4th (T0 + 100); next is when the
        // oldest goes (T0).
        assertThat(peek(FIVE_PER_SECOND, 3)).isEqualTo(new LimitOutcome(false, 5, 0, 900, 800, 800));
        assertThat(peek(FIVE_PER_SECOND, 4)).isEqualTo(new LimitOutcome(false, 5, 0, 900, 900, 800));
        clock.set(T0 + 1_000);
        assertThat(acquire(FIVE_PER_SECOND, 4)).isEqualTo(new LimitOutcome(false, 5, 3, 100, 100, 100));
        assertThat(acquire(FIVE_PER_SECOND, 3)).isEqualTo(new LimitOutcome(true, 5, 0, 1_000, 0, 100));
    }

    @Test
    void anEmptyLogIsFullWithNothingToResetAndGetsMoreAWindowAfterAPermitTakenNow() {
        assertThat(peek(THREE_PER_SECOND, 3)).isEqualTo(new LimitOutcome(true, 3, 3, 0, 0, 1000));
        acquire(THREE_PER_SECOND, 2);
        clock.advance(1_000);
        assertThat(peek(THREE_PER_SECOND, 3)).isEqualTo(new LimitOutcome(true, 3, 3, 0, 0, 1000));
    }

    @Test
    void peekDropsAndAddsNothing() {
        acquire(THREE_PER_SECOND, 2);
        clock.set(T0 + 400);
        assertThat(peek(THREE_PER_SECOND, 2)).isEqualTo(new LimitOutcome(false, 3, 1, 600, 600, 600));
        assertThat(peek(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 1, 600, 0, 600));
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 0, 1_000, 0, 600));
    }

    @Test
    void aClockSteppingBackKeepsTheLogInTimestampOrder() {
        clock.set(T0 + 500);
        acquire(THREE_PER_SECOND, 1);
        clock.set(T0);
        // Newest is still T0 + 500, as the largest score of a Redis sorted set would be.
        assertThat(acquire(THREE_PER_SECOND, 2)).isEqualTo(new LimitOutcome(true, 3, 0, 1_500, 0, 1000));
        clock.set(T0 + 100);
        assertThat(peek(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(false, 3, 0, 1_400, 900, 900));
        clock.set(T0 + 1_000);
        assertThat(peek(THREE_PER_SECOND, 2)).isEqualTo(new LimitOutcome(true, 3, 2, 500, 0, 500));
    }

    private LimitOutcome acquire(LimitPolicy policy, long cost) {
        return backend.acquire(List.of(request(policy, cost))).outcome(0);
    }

    private LimitOutcome peek(LimitPolicy policy, long cost) {
        return backend.peek(List.of(request(policy, cost))).outcome(0);
    }

    private static LimitRequest request(LimitPolicy policy, long cost) {
        return new LimitRequest("search", "10.0.0.1", policy, cost);
    }
}
