package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

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

    /** The first call of a later window moves the counter there: the same object, its count and its expiry moved. */
    @Test
    void aCounterMovesToALaterWindowInPlace() {
        FixedWindowCounter counter = FixedWindowCounter.windowOf(THREE_PER_SECOND, clock.millis());
        counter.consume(THREE_PER_SECOND, 3, clock.millis());
        assertThat(counter.tryAcquire(THREE_PER_SECOND, 1, clock))
                .isEqualTo(new LimitOutcome(false, 3, 0, 750, 750, 750));
        assertThat(counter.expiresAtMillis()).isEqualTo(WINDOW_START + 1_000);
        clock.advance(5_000);
        assertThat(counter.tryAcquire(THREE_PER_SECOND, 2, clock)).isEqualTo(new LimitOutcome(true, 3, 1, 750, 0, 750));
        assertThat(counter.expiresAtMillis()).isEqualTo(WINDOW_START + 6_000);
        assertThat(counter.inWindowOf(THREE_PER_SECOND, clock.millis())).isSameAs(counter);
        assertThat(counter.tryAcquire(THREE_PER_SECOND, 2, clock))
                .isEqualTo(new LimitOutcome(false, 3, 1, 750, 750, 750));
    }

    /**
     * A window before the one the counter holds (the clock went back), a window of another length, or a window number
     * beyond what the counter keeps: the call goes to the lock, which makes a new counter.
     */
    @Test
    void aCounterThatCannotCountNowsWindowSendsTheCallToTheLock() {
        FixedWindowCounter counter = FixedWindowCounter.windowOf(THREE_PER_SECOND, clock.millis());
        clock.advance(1_000);
        assertThat(counter.tryAcquire(THREE_PER_SECOND, 1, clock).permitted()).isTrue();
        clock.advance(-1_000);
        assertThat(counter.tryAcquire(THREE_PER_SECOND, 1, clock)).isNull();
        assertThat(counter.inWindowOf(THREE_PER_SECOND, clock.millis())).isNotSameAs(counter);
        clock.advance(1_000);
        LimitPolicy threePerTwoSeconds = LimitPolicy.window(FIXED_WINDOW, 3, 2_000);
        assertThat(counter.tryAcquire(threePerTwoSeconds, 1, clock)).isNull();
        assertThat(counter.inWindowOf(threePerTwoSeconds, clock.millis())).isNotSameAs(counter);
        clock.advance(FixedWindowCounter.MAX_WINDOW * 1_000);
        assertThat(counter.tryAcquire(THREE_PER_SECOND, 1, clock)).isNull();
        assertThat(counter.inWindowOf(THREE_PER_SECOND, clock.millis())).isNotSameAs(counter);
    }

    /** ...and the backend decides such a call on the new counter, which it stores. */
    @Test
    void aWindowBeyondWhatTheCounterKeepsStartsANewOne() {
        assertThat(acquire(THREE_PER_SECOND, 3).remaining()).isZero();
        clock.advance((FixedWindowCounter.MAX_WINDOW + 1) * 1_000);
        assertThat(acquire(THREE_PER_SECOND, 2)).isEqualTo(new LimitOutcome(true, 3, 1, 750, 0, 750));
        assertThat(acquire(THREE_PER_SECOND, 1)).isEqualTo(new LimitOutcome(true, 3, 0, 750, 0, 750));
        assertThat(acquire(THREE_PER_SECOND, 1).permitted()).isFalse();
        assertThat(backend.timeToLive("orders", "alice")).contains(Duration.ofMillis(750));
        clock.advance(-1_000);
        assertThat(acquire(THREE_PER_SECOND, 3)).isEqualTo(new LimitOutcome(true, 3, 0, 750, 0, 750));
    }

    /**
     * Many threads on one partition while the windows go by: each window grants exactly its limit, whichever call
     * moves the counter on and however many calls still hold a time of the window before. A count lost or restarted
     * at a window's end would grant more.
     */
    @Test
    void concurrentCallsAcrossManyWindowsTakeExactlyTheLimitOfEach() throws Exception {
        LimitPolicy policy = LimitPolicy.window(FIXED_WINDOW, 500, 1_000);
        int windows = 20;
        int threads = 8;
        LongAdder permitted = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                callers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        if (backend.acquire(List.of(request(policy, 1))).permitted()) {
                            permitted.increment();
                        }
                    }
                }));
            }
            for (int window = 0; window < windows; window++) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (backend.peek(List.of(request(policy, 1))).permitted()) {
                    assertThat(System.nanoTime()).as("window %d used up", window).isLessThan(deadline);
                    Thread.onSpinWait();
                }
                clock.advance(1_000);
            }
            stop.set(true);
            for (Future<?> caller : callers) {
                caller.get(30, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        // The callers may have begun on the window after the last one used up.
        assertThat(permitted.sum()).isBetween(500L * windows, 500L * (windows + 1));
        assertThat(backend.peek(List.of(request(policy, 1))).outcome(0).remaining())
                .isEqualTo(500L * (windows + 1) - permitted.sum());
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
