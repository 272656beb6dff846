package dev.tollgate.internal.local;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A clock that remembers the last time it told: the ticker of the in-memory rate-limit store's Caffeine cache, so
 * that a lookup costs no clock read of its own. On this project's machines a read of the system clock costs about as
 * much as a whole lock-free decision's other work (see {@code docs/benchmarks.md}), and every decision reads the
 * clock anyway, after its lookup; the cache's expiry check can use the time the previous decision read.
 *
 * <p>What the cache sees is therefore a little behind the clock: never ahead of it (for a clock that does not go
 * back), so an entry is never dropped before its moment, only up to one decision's distance later, which the store
 * allows (a state that stopped mattering answers as a missing one would). When no decision reads the clock for a
 * while, the cache's time stands still; whoever needs it current (the store's bound before a sweep, tests) reads
 * the clock first.
 *
 * <p>The remembered time is written only when it changes, at most once per millisecond per thread that sees the
 * change, so threads on different cores share its cache line read-only almost always.
 */
final class ObservedClock implements InstantSource {

    private final InstantSource clock;
    private volatile long lastMillis;

    ObservedClock(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lastMillis = clock.millis();
    }

    @Override
    public long millis() {
        long now = clock.millis();
        if (now != lastMillis) {
            lastMillis = now;
        }
        return now;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    /** The time the last {@link #millis()} read; no clock read. */
    long lastMillis() {
        return lastMillis;
    }
}
