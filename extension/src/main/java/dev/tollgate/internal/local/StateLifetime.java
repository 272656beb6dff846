package dev.tollgate.internal.local;

import com.github.benmanes.caffeine.cache.Expiry;

import java.util.concurrent.TimeUnit;

/**
 * Keeps each stored state until the moment it stops mattering ({@link LimitState#expiresAtMillis()}), after which
 * a missing state gives the same answers. Writes (every consuming call stores its states again) move that
 * moment; reads leave it alone.
 *
 * <p>Caffeine's times are nanoseconds of the backend's ticker, which reads the backend's clock in epoch
 * milliseconds times a million: an expiry is a plain difference of the two.
 */
final class StateLifetime implements Expiry<LimitKey, LimitState> {

    @Override
    public long expireAfterCreate(LimitKey key, LimitState state, long currentTime) {
        return nanosUntilIrrelevant(state, currentTime);
    }

    @Override
    public long expireAfterUpdate(LimitKey key, LimitState state, long currentTime, long currentDuration) {
        return nanosUntilIrrelevant(state, currentTime);
    }

    @Override
    public long expireAfterRead(LimitKey key, LimitState state, long currentTime, long currentDuration) {
        return currentDuration;
    }

    /** Epoch milliseconds as ticker nanoseconds; saturates rather than overflowing (from the year 2262 on). */
    static long tickerNanos(long epochMillis) {
        return TimeUnit.MILLISECONDS.toNanos(epochMillis);
    }

    private static long nanosUntilIrrelevant(LimitState state, long currentTime) {
        // currentTime plus this is at most Long.MAX_VALUE, so Caffeine's sum cannot overflow (it also caps long
        // durations itself, at about 146 years); a state already due expires at once.
        return Math.max(0, tickerNanos(state.expiresAtMillis()) - currentTime);
    }
}
