package dev.tollgate.internal.local;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed array of locks, one chosen per key by its hash. A call holds the locks of all its keys at once, so a
 * multi-limit check-then-consume is atomic, while calls on unrelated keys rarely wait for each other.
 *
 * <p>Locks are always taken in ascending stripe order, so two calls whose keys overlap cannot deadlock. Two keys
 * of one call may share a stripe; the locks are reentrant, so taking one twice is harmless.
 */
final class StripedLocks {

    private final ReentrantLock[] locks;

    /** @param stripes a power of two */
    StripedLocks(int stripes) {
        if (stripes < 1 || Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two, was " + stripes);
        }
        locks = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The stripes of {@code keys}, in the order they must be locked. */
    int[] stripesOf(LimitKey[] keys) {
        int[] stripes = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            stripes[i] = stripeOf(keys[i]);
        }
        if (stripes.length > 1) {
            Arrays.sort(stripes);
        }
        return stripes;
    }

    void lockAll(int[] stripes) {
        for (int stripe : stripes) {
            locks[stripe].lock();
        }
    }

    void unlockAll(int[] stripes) {
        for (int i = stripes.length - 1; i >= 0; i--) {
            locks[stripes[i]].unlock();
        }
    }

    /** The lock of {@code key}: for a call of one key, which needs no ordering. */
    ReentrantLock of(LimitKey key) {
        return locks[stripeOf(key)];
    }

    /** {@link #of(LimitKey)} without a key object. */
    ReentrantLock of(String limiter, String partition) {
        return locks[stripeOf(limiter, partition)];
    }

    private int stripeOf(LimitKey key) {
        return stripeOf(key.limiter(), key.partition());
    }

    private int stripeOf(String limiter, String partition) {
        int hash = 31 * limiter.hashCode() + partition.hashCode();
        // Mixes the high bits in, as HashMap does: the mask alone would only look at the lowest ones.
        return (hash ^ (hash >>> 16)) & (locks.length - 1);
    }
}
