package dev.tollgate.benchmarks;

/** One rate limiter (or the bare round trip) under test, holding state for a fixed set of partitions. */
interface Contender extends AutoCloseable {

    /** Decides one call of the {@code index}-th partition; {@code true} when permitted. */
    boolean decide(int index);

    @Override
    void close();
}
