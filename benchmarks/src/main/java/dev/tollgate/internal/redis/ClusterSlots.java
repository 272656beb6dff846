package dev.tollgate.internal.redis;

/**
 * The Redis Cluster slot Tollgate's keys of a partition fall in, as the engine computes it: the benchmarks' model
 * (docs/scaling.md) places partitions on shards with the engine's own slot function rather than a copy of it. Lives
 * in the engine's package, in the benchmarks module only, because that function is not part of any API.
 */
public final class ClusterSlots {

    /** Slots of a Redis Cluster. */
    public static final int SLOTS = 16384;

    private ClusterSlots() {
    }

    /** The slot of every key of {@code partition} (its hash tag's CRC16 modulo 16384). */
    public static int ofPartition(String partition) {
        return RedisRateLimitBackend.slot(RateLimitKeys.hashTag(partition));
    }
}
