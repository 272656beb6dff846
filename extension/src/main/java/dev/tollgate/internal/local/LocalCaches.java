package dev.tollgate.internal.local;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.InstantSource;
import java.util.function.ToLongFunction;

/**
 * The Caffeine caches of the in-memory stores: bounded, each entry expiring when its value says
 * ({@link ExpiresAt}), on the store's own clock (so a test's manual clock drives expiry too), with maintenance run
 * on the calling threads (a Jakarta EE server would not manage threads of ours).
 */
final class LocalCaches {

    private LocalCaches() {
    }

    static <K, V> Cache<K, V> bounded(InstantSource clock, long maximumSize, ToLongFunction<V> expiresAtMillis) {
        if (maximumSize <= 0) {
            throw new IllegalArgumentException("maximumSize must be > 0, was " + maximumSize);
        }
        return Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(new ExpiresAt<K, V>(expiresAtMillis))
                .ticker(() -> ExpiresAt.tickerNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }
}
