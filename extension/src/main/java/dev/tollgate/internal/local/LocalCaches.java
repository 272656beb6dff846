package dev.tollgate.internal.local;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.time.InstantSource;

/**
 * The Caffeine caches of the in-memory stores: bounded, each entry expiring when its {@link Expiry} says, on the
 * store's own clock (so a test's manual clock drives expiry too), with maintenance run on the calling threads (a
 * Jakarta EE server would not manage threads of ours).
 */
final class LocalCaches {

    private LocalCaches() {
    }

    static <K, V> Cache<K, V> bounded(InstantSource clock, long maximumSize, Expiry<K, V> expiry) {
        if (maximumSize <= 0) {
            throw new IllegalArgumentException("maximumSize must be > 0, was " + maximumSize);
        }
        return Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(expiry)
                .ticker(() -> StateLifetime.tickerNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }
}
