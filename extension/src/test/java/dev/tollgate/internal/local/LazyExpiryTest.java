package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

import static dev.tollgate.RateLimit.Algorithm.FIXED_WINDOW;
import static dev.tollgate.RateLimit.Algorithm.SLIDING_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store keeps expired states until it sweeps them ({@link LimitStates}): such a state answers as a missing one
 * would, a swept shared state sends whoever still holds it to the lock, and sweeps free what expired.
 */
class LazyExpiryTest {

    private static final long WINDOW_START = 1_700_000_000_000L;
    private static final LimitPolicy TWO_PER_SECOND = LimitPolicy.window(FIXED_WINDOW, 2, 1_000);

    private final ManualClock clock = new ManualClock(WINDOW_START);

    /** After the window ended the map still holds the old counter; calls count in the new window all the same. */
    @Test
    void anEndedWindowStillStoredCountsAsAMissingOne() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            LimitRequest request = new LimitRequest("x", "", TWO_PER_SECOND, 1);
            assertThat(acquire(backend, request)).isTrue();
            assertThat(acquire(backend, request)).isTrue();
            assertThat(acquire(backend, request)).isFalse();
            clock.advance(1_000);
            assertThat(backend.timeToLive("x", "")).isEmpty();
            for (int call = 0; call < 2; call++) {
                var decision = backend.acquire(List.of(request));
                assertThat(decision.permitted()).isTrue();
                assertThat(decision.outcome(0).remaining()).isEqualTo(1 - call);
            }
            assertThat(acquire(backend, request)).isFalse();
            assertThat(backend.timeToLive("x", "")).contains(Duration.ofMillis(1_000));
            assertThat(backend.storedStates()).isEqualTo(1);
        }
    }

    /** The same for a sliding log whose entries all left the window: the locked path prunes it and counts anew. */
    @Test
    void aSlidingLogPastItsWindowCountsAsAMissingOne() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            LimitRequest request = new LimitRequest("x", "", LimitPolicy.window(SLIDING_WINDOW, 1, 1_000), 1);
            assertThat(acquire(backend, request)).isTrue();
            assertThat(acquire(backend, request)).isFalse();
            clock.advance(1_000);
            assertThat(acquire(backend, request)).isTrue();
            assertThat(acquire(backend, request)).isFalse();
        }
    }

    /** Each created entry looks at the next two: a stream of new partitions clears the expired ones as it goes. */
    @Test
    void creatingEntriesSweepsExpiredOnes() {
        LimitStates states = states(1_000_000);
        for (int i = 0; i < 100; i++) {
            states.put(new LimitKey("x", "old-" + i), counter());
        }
        clock.advance(1_000); // all 100 ended
        for (int i = 0; i < 50; i++) {
            states.put(new LimitKey("x", "new-" + i), counter());
        }
        // 50 creations looked at 100 entries, most of them old ones (the cursor restarts at the end of the map and
        // may meet some of the new ones, none of them due): most of the old ones are gone already.
        assertThat(states.size()).isBetween(50L, 80L);
        for (int i = 50; i < 150; i++) {
            states.put(new LimitKey("x", "new-" + i), counter());
        }
        assertThat(states.size()).isEqualTo(150);
    }

    /**
     * States are kept per partition, each partition's states of every limiter in one chain: the step sweep goes round
     * the partitions, each chain whole, so expired states of a limiter that no longer creates any are cleared by
     * another's creations.
     */
    @Test
    void creatingEntriesSweepsExpiredOnesOfEveryLimiter() {
        LimitStates states = states(1_000_000);
        for (String limiter : List.of("a", "b", "c")) {
            for (int i = 0; i < 20; i++) {
                states.put(new LimitKey(limiter, "old-" + i), counter());
            }
        }
        clock.advance(1_000); // all 60 ended
        for (int i = 0; i < 100; i++) {
            states.put(new LimitKey("d", "new-" + i), counter());
        }
        for (String limiter : List.of("a", "b", "c")) {
            for (int i = 0; i < 20; i++) {
                assertThat(states.get(limiter, "old-" + i)).as(limiter + "/old-" + i).isNull();
            }
        }
        assertThat(states.size()).isEqualTo(100);
        states.remove(new LimitKey("d", "new-0"));
        states.remove(new LimitKey("d", "never-stored"));
        assertThat(states.size()).isEqualTo(99);
    }

    /** A swept counter is frozen for good: a lock-free call still holding it is sent to the lock. */
    @Test
    void aSweptSharedStateSendsItsHoldersToTheLock() {
        LimitStates states = states(1_000);
        FixedWindowCounter counter = counter();
        LimitKey key = new LimitKey("x", "");
        states.put(key, counter);
        assertThat(counter.tryAcquire(TWO_PER_SECOND, 1, clock)).isNotNull();
        clock.advance(1_000);
        states.sweepAll();
        assertThat(states.get(key)).isNull();
        clock.set(WINDOW_START + 500); // even at a time its window would count
        assertThat(counter.tryAcquire(TWO_PER_SECOND, 1, clock)).isNull();
    }

    /**
     * A counter that a lock-free call moved to a later window after its first one ended is kept: the sweep reads the
     * expiry the move set (the end of the later window), and a counter it froze to read that expiry is thawed.
     */
    @Test
    void aCounterMovedOnWithoutTheLockIsNotSwept() {
        LimitStates states = states(1_000);
        FixedWindowCounter counter = counter();
        LimitKey key = new LimitKey("x", "");
        states.put(key, counter);
        clock.advance(1_000);
        assertThat(counter.tryAcquire(TWO_PER_SECOND, 1, clock).permitted()).isTrue();
        states.sweepAll();
        assertThat(states.get(key)).isSameAs(counter);
        assertThat(counter.tryAcquire(TWO_PER_SECOND, 1, clock).permitted()).isTrue(); // thawed
        clock.advance(1_000);
        states.sweepAll();
        assertThat(states.get(key)).isNull();
    }

    /** An entry whose stripe someone holds is in use: the sweep leaves it and takes it next time. */
    @Test
    void aSweepSkipsAnEntryWhoseStripeIsHeld() throws InterruptedException {
        StripedLocks locks = new StripedLocks(InMemoryRateLimitBackend.LOCK_STRIPES);
        LimitStates states = new LimitStates(locks, clock, 1_000);
        LimitKey key = new LimitKey("x", "");
        states.put(key, counter());
        clock.advance(1_000);
        ReentrantLock stripe = locks.of(key);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            stripe.lock();
            try {
                held.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stripe.unlock();
            }
        });
        holder.start();
        held.await();
        states.sweepAll();
        assertThat(states.size()).isEqualTo(1);
        done.countDown();
        holder.join();
        states.sweepAll();
        assertThat(states.size()).isZero();
    }

    /**
     * A full store sweeps before it refuses a newcomer its own state, but only once the earliest expiry it knows of
     * has passed: until then a flood costs no sweep.
     */
    @Test
    void aFullStoreSweepsOnceSomethingCanHaveExpired() {
        LimitStates states = states(10);
        for (int i = 0; i < 10; i++) {
            states.put(new LimitKey("x", "p" + i), counter());
        }
        assertThat(states.isFull()).isTrue();
        clock.advance(999);
        assertThat(states.isFull()).isTrue();
        assertThat(states.size()).isEqualTo(10);
        clock.advance(1);
        assertThat(states.isFull()).isFalse();
        assertThat(states.size()).isZero();
    }

    /** Permits whose last lease ended count as gone, swept or not, as in Redis: their holder cannot renew. */
    @Test
    void aLeaseThatEndedIsNotRenewedBeforeTheSweepEither() {
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000)) {
            LimitRequest held = new LimitRequest("x", "", LimitPolicy.concurrency(1, 1_000), 1, "holder");
            assertThat(acquire(backend, held)).isTrue();
            clock.advance(999);
            assertThat(backend.renew(List.of(held))).isTrue();
            clock.advance(1_000);
            assertThat(backend.renew(List.of(held))).isFalse();
        }
    }

    private LimitStates states(long maximumSize) {
        return new LimitStates(new StripedLocks(InMemoryRateLimitBackend.LOCK_STRIPES), clock, maximumSize);
    }

    private FixedWindowCounter counter() {
        FixedWindowCounter counter = FixedWindowCounter.windowOf(TWO_PER_SECOND, clock.millis());
        counter.consume(TWO_PER_SECOND, 1, clock.millis());
        return counter;
    }

    private static boolean acquire(InMemoryRateLimitBackend backend, LimitRequest request) {
        return backend.acquire(List.of(request)).permitted();
    }
}
