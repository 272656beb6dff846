package dev.tollgate.internal.violations;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where the rankings of refused partitions live: per limiter and period, a count per partition. Redis keeps one
 * shared by every instance ({@link dev.tollgate.internal.redis.RedisViolationStore}); memory one per instance
 * ({@link dev.tollgate.internal.local.InMemoryViolationStore}). Both keep only the {@code top} most refused partitions
 * of a limiter and period, and forget a period two periods after it ended.
 */
public interface ViolationStore extends AutoCloseable {

    /**
     * Adds {@code counts} (refusals by partition) to {@code limiter}'s ranking of {@code period}, without waiting.
     *
     * @return completes with each partition's count after the addition, or with the store's failure
     */
    CompletableFuture<Map<String, Long>> add(String limiter, long period, Map<String, Long> counts);

    /** The {@code count} most refused partitions of {@code limiter} in {@code period}, most first. */
    List<Ranked> top(String limiter, long period, int count);

    /** One partition's place in a ranking. */
    record Ranked(String partition, long refusals) {
    }

    @Override
    void close();
}
