package dev.tollgate.internal.local;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to: the time of both the formulas and the stores' expiry. */
final class ManualClock implements InstantSource {

    private final AtomicLong millis;

    ManualClock(long epochMillis) {
        this.millis = new AtomicLong(epochMillis);
    }

    void set(long epochMillis) {
        millis.set(epochMillis);
    }

    void advance(long deltaMillis) {
        millis.addAndGet(deltaMillis);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }
}
