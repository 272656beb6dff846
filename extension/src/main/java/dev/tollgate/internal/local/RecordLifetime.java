package dev.tollgate.internal.local;

import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Keeps each idempotency record until its {@link IdempotencyRecord#expiresAtMillis()}: the lease's end while in
 * progress, the completion's time to live once completed. Every transition stores a new record, which sets the
 * moment anew; reads leave it alone.
 *
 * <p>Caffeine's times are nanoseconds of the store's ticker, which reads the store's clock in epoch milliseconds
 * times a million ({@link StateLifetime#tickerNanos}): an expiry is a plain difference of the two.
 */
final class RecordLifetime implements Expiry<String, IdempotencyRecord> {

    @Override
    public long expireAfterCreate(String key, IdempotencyRecord record, long currentTime) {
        return nanosUntilExpiry(record, currentTime);
    }

    @Override
    public long expireAfterUpdate(String key, IdempotencyRecord record, long currentTime, long currentDuration) {
        return nanosUntilExpiry(record, currentTime);
    }

    @Override
    public long expireAfterRead(String key, IdempotencyRecord record, long currentTime, long currentDuration) {
        return currentDuration;
    }

    private static long nanosUntilExpiry(IdempotencyRecord record, long currentTime) {
        // At most Long.MAX_VALUE - currentTime, so Caffeine's sum cannot overflow; a record already due goes at once.
        return Math.max(0, StateLifetime.tickerNanos(record.expiresAtMillis()) - currentTime);
    }
}
