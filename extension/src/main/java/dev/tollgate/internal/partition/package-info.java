/**
 * Partition keys: what a {@code @RateLimit} is counted per. {@link dev.tollgate.internal.partition.PartitionKeys}
 * parses a key once at deployment into a {@link dev.tollgate.internal.partition.PartitionKey}; at call time that
 * key reads the call ({@link dev.tollgate.internal.call.Call}) and returns a partition
 * that is bounded and brace-free, because every caller-controlled value is hashed by one function
 * ({@code PartitionHash}).
 */
package dev.tollgate.internal.partition;
