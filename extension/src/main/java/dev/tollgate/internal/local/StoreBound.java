package dev.tollgate.internal.local;

import com.github.benmanes.caffeine.cache.Cache;

import java.time.InstantSource;

/**
 * The most entries an in-memory store creates, enforced by the store rather than by Caffeine's eviction: when the
 * cache holds {@code maximumSize} entries, the store creates no new one (what it does instead is each store's
 * choice, documented there) and keeps every entry until it expires. Memory is bounded all the same, and nothing that
 * still matters is ever dropped early.
 *
 * <p>The count is Caffeine's {@code estimatedSize()}, the entries in its map, which includes expired entries its
 * timer wheel has not swept yet (up to about a second late). So when the count reaches the bound, the cache is swept
 * ({@code cleanUp()}) before the store is declared full; at most once per millisecond of the store's clock, so that a
 * flood against a full store does not sweep on every call. Checked before the entry is created, without a lock:
 * callers racing past the check together may exceed the bound by as many entries as there are of them.
 */
final class StoreBound {

    private final Cache<?, ?> cache;
    private final InstantSource clock;
    private final long maximumSize;
    private volatile long sweptAt = Long.MIN_VALUE;

    StoreBound(Cache<?, ?> cache, InstantSource clock, long maximumSize) {
        if (maximumSize <= 0) {
            throw new IllegalArgumentException("maximumSize must be > 0, was " + maximumSize);
        }
        this.cache = cache;
        this.clock = clock;
        this.maximumSize = maximumSize;
    }

    long maximumSize() {
        return maximumSize;
    }

    /** Whether the store holds {@code maximumSize} unexpired entries (or more), so must not create another. */
    boolean isFull() {
        if (cache.estimatedSize() < maximumSize) {
            return false;
        }
        long now = clock.millis();
        if (now != sweptAt) {
            sweptAt = now;
            cache.cleanUp();
        }
        return cache.estimatedSize() >= maximumSize;
    }
}
