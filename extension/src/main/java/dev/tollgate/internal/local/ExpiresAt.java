package dev.tollgate.internal.local;

import com.github.benmanes.caffeine.cache.Expiry;

import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Keeps each cache entry until the moment its value says it stops mattering (epoch milliseconds): an idempotency
 * record until its lease or time to live ends. Writes move that moment; reads leave it alone. (The rate-limit states
 * are not kept in Caffeine: {@link LimitStates} says why.)
 *
 * <p>Caffeine's times are nanoseconds of the store's ticker, which reads the store's clock in epoch milliseconds
 * times a million: an expiry is a plain difference of the two.
 */
final class ExpiresAt<K, V> implements Expiry<K, V> {

    private final ToLongFunction<V> expiresAtMillis;

    ExpiresAt(ToLongFunction<V> expiresAtMillis) {
        this.expiresAtMillis = expiresAtMillis;
    }

    @Override
    public long expireAfterCreate(K key, V value, long currentTime) {
        return nanosUntilExpiry(value, currentTime);
    }

    @Override
    public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
        return nanosUntilExpiry(value, currentTime);
    }

    @Override
    public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
        return currentDuration;
    }

    /** Epoch milliseconds as ticker nanoseconds; saturates rather than overflowing (from the year 2262 on). */
    static long tickerNanos(long epochMillis) {
        return TimeUnit.MILLISECONDS.toNanos(epochMillis);
    }

    private long nanosUntilExpiry(V value, long currentTime) {
        // currentTime plus this is at most Long.MAX_VALUE, so Caffeine's sum cannot overflow (it also caps long
        // durations itself, at about 146 years); a value already due expires at once.
        return Math.max(0, tickerNanos(expiresAtMillis.applyAsLong(value)) - currentTime);
    }
}
