package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.partition.PartitionKey;

/** One limit of a guarded method: its resolved settings and its parsed partition key. */
public record GuardedLimit(LimitSettings settings, PartitionKey key) {
}
