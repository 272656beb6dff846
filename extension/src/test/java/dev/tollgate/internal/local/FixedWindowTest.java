package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.tollgate.RateLimit.Algorithm.FIXED_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

class FixedWindowTest {

    /** A multiple of every window used here, so window starts are easy to read. */
    private static final long WINDOW_START = 1_700_000_000_000L;
    private static final LimitPolicy THREE_PER_SECOND = LimitPolicy.window(FIXED_WINDOW, 3, 1_000);

    private final ManualClock clock = new ManualClock(WINDOW_START + 250);
    private final InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000);

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void countsDownWithinTheWindowAndStartsOverInTheNext() {
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 2, 750, 0, 750));
        clock.advance(100);
        assertThat(acquire(THREE_PER_SECOND, 2)).isEqualTo(new LimitOutcome(true, 3, 0, 650, 0, 650));
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(false, 3, 0, 650, 650, 650));
        clock.set(WINDOW_START + 999);
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(false, 3, 0, 1, 1, 1));
        clock.set(WINDOW_START + 1_000);
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 2, 1_000, 0, 1_000));
    }

    @Test
    void aRefusedCallConsumesNothing() {
        assertThat(acquire(THREE_PER_SECOND, 2)).isEqualTo(new LimitOutcome(true, 3, 1, 750, 0, 750));
        assertThat(acquire(THREE_PER_SECOND, 2)).isEqualTo(new LimitOutcome(false, 3, 1, 750, 750, 750));
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 0, 750, 0, 750));
    }

    @Test
    void aDailyWindowResetsAtMidnightUtc() {
        LimitPolicy twoPerDay = LimitPolicy.window(FIXED_WINDOW, 2, 86_400_000);
        clock.set(Instant.parse("2025-03-14T23:59:59.250Z").toEpochMilli());
        assertThat(acquire(twoPerDay, 2)).isEqualTo(new LimitOutcome(true, 2, 0, 750, 0, 750));
        assertThat(acquire(twoPerDay, 1)).isEqualTo(new LimitOutcome(false, 2, 0, 750, 750, 750));
        clock.set(Instant.parse("2025-03-15T00:00:00Z").toEpochMilli());
        assertThat(acquire(twoPerDay, 1)).isEqualTo(new LimitOutcome(true, 2, 1, 86_400_000, 0, 86_400_000));
    }

    @Test
    void peekReportsTheWindowWithoutConsuming() {
        // An untouched window is full already: nothing to reset; a permit taken now is back when the window ends.
        assertThat(peek(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 3, 0, 0, 750));
        acquire(THREE_PER_SECOND, 2);
        clock.advance(50);
        assertThat(peek(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 1, 700, 0, 700));
        assertThat(peek(THREE_PER_SECOND, 2)).isEqualTo(new LimitOutcome(false, 3, 1, 700, 700, 700));
        assertThat(peek(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 1, 700, 0, 700));
        assertThat(backend.peek(List.of(request(THREE_PER_SECOND, 2))).permitted()).isFalse();
    }

    private LimitOutcome acquire(LimitPolicy policy, long cost) {
        return backend.acquire(List.of(request(policy, cost))).outcome(0);
    }

    private LimitOutcome peek(LimitPolicy policy, long cost) {
        return backend.peek(List.of(request(policy, cost))).outcome(0);
    }

    private static LimitRequest request(LimitPolicy policy, long cost) {
        return new LimitRequest("orders", "alice", policy, cost);
    }
}
