package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.Call;

/**
 * One {@code @RateLimit.key} source, parsed and checked at deployment, resolving a call's partition at call time.
 *
 * <p>The result goes straight into a backend key, so every implementation returns a value that is bounded in
 * length and free of braces: caller-controlled input is hashed, never copied. Calls whose value is missing get
 * {@link #UNKNOWN}, one partition shared by all of them, so a missing value never lets a caller escape a limit.
 */
public interface PartitionKey {

    /** The partition of callers whose value is missing. */
    String UNKNOWN = "?";

    /**
     * The partition of {@code call}; never {@code null}. A status query outside a call has no method and no
     * arguments, and only keys that do not {@link #needsInvocation()} are asked for it.
     */
    String resolve(Call call);

    /**
     * The caller's value in clear, before it is hashed into the partition: a principal name, a client address, a
     * header's or a parameter's value, a resolver's answer; {@code null} when it is missing (the {@link #UNKNOWN}
     * partition) or when all callers share one partition. Only read where an operator chose to see who is refused
     * ({@code tollgate.violations.identities}), never kept in a backend key.
     */
    default String clearValue(Call call) {
        return null;
    }

    /** Whether the partition is read from the HTTP request (its headers or its peer's address). */
    default boolean readsRequest() {
        return false;
    }

    /** Whether the partition depends on the call itself (its arguments, or a resolver that sees it). */
    default boolean needsInvocation() {
        return false;
    }
}
