package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.tollgate.RateLimit.Algorithm.FIXED_WINDOW;
import static dev.tollgate.RateLimit.Algorithm.SLIDING_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

/** The cache's time is the last time a decision read, and a state the cache sees late answers as a missing one. */
class ObservedClockTest {

    private static final long WINDOW_START = 1_700_000_000_000L;

    private final ManualClock clock = new ManualClock(WINDOW_START);

    @Test
    void remembersWhatItLastToldAndDoesNotReadTheClockForIt() {
        ObservedClock observed = new ObservedClock(clock);
        assertThat(observed.lastMillis()).isEqualTo(WINDOW_START);
        clock.advance(5);
        assertThat(observed.lastMillis()).isEqualTo(WINDOW_START);
        assertThat(observed.millis()).isEqualTo(WINDOW_START + 5);
        assertThat(observed.lastMillis()).isEqualTo(WINDOW_START + 5);
        clock.set(WINDOW_START + 2); // a clock set back is followed, not held at its highest
        assertThat(observed.instant().toEpochMilli()).isEqualTo(WINDOW_START + 2);
        assertThat(observed.lastMillis()).isEqualTo(WINDOW_START + 2);
    }

    /**
     * After the window ended and before any decision read the clock, the cache still returns the ended counter; the
     * decision on it counts in the new window, exactly as on a missing one.
     */
    @Test
    void anEndedWindowTheCacheStillReturnsCountsAsAMissingOne() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            LimitPolicy twoPerSecond = LimitPolicy.window(FIXED_WINDOW, 2, 1_000);
            LimitRequest request = new LimitRequest("x", "", twoPerSecond, 1);
            assertThat(backend.acquire(List.of(request)).permitted()).isTrue();
            assertThat(backend.acquire(List.of(request)).permitted()).isTrue();
            assertThat(backend.acquire(List.of(request)).permitted()).isFalse();
            clock.advance(1_000);
            for (int call = 0; call < 2; call++) {
                var decision = backend.acquire(List.of(request));
                assertThat(decision.permitted()).isTrue();
                assertThat(decision.outcome(0).remaining()).isEqualTo(1 - call);
            }
            assertThat(backend.acquire(List.of(request)).permitted()).isFalse();
            assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(1_000));
        }
    }

    /** The same for a sliding log whose entries all left the window: the locked path prunes it and counts anew. */
    @Test
    void aSlidingLogPastItsWindowCountsAsAMissingOne() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            LimitRequest request = new LimitRequest("x", "", LimitPolicy.window(SLIDING_WINDOW, 1, 1_000), 1);
            assertThat(backend.acquire(List.of(request)).permitted()).isTrue();
            assertThat(backend.acquire(List.of(request)).permitted()).isFalse();
            clock.advance(1_000);
            assertThat(backend.acquire(List.of(request)).permitted()).isTrue();
            assertThat(backend.acquire(List.of(request)).permitted()).isFalse();
        }
    }
}
