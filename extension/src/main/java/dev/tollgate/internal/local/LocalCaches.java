package dev.tollgate.internal.local;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.InstantSource;
import java.util.function.ToLongFunction;

/**
 * The Caffeine caches of the in-memory idempotency store (the rate-limit states are kept apart, {@link LimitStates}
 * says why): each entry expiring when its value says ({@link ExpiresAt}), on the
 * store's own clock (so a test's manual clock drives expiry too), with maintenance run on the calling threads (a
 * Jakarta EE server would not manage threads of ours).
 *
 * <p>No size bound is given to Caffeine: its eviction would drop entries that still matter (a partition's used-up
 * a running claim, a stored result), which a caller could force by sending many distinct keys. The stores
 * bound themselves instead ({@link StoreBound}): they refuse to create entries when full, and never drop one before
 * it expires.
 */
final class LocalCaches {

    private LocalCaches() {
    }

    static <K, V> Cache<K, V> expiring(InstantSource clock, ToLongFunction<V> expiresAtMillis) {
        return Caffeine.newBuilder()
                .expireAfter(new ExpiresAt<K, V>(expiresAtMillis))
                .ticker(() -> ExpiresAt.tickerNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }
}
