package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.Call;
import dev.tollgate.spi.PartitionKeyResolver;

import java.util.Objects;

/**
 * A {@link PartitionKeyResolver} named in the key: its value, hashed; {@link #UNKNOWN} when it returns
 * {@code null} or {@code ""}. An exception thrown by the resolver is not caught: it is a bug in the application,
 * and it fails the call like any other exception of the intercepted method would.
 */
record ResolverKey(PartitionKeyResolver resolver) implements PartitionKey {

    static final String SOURCE = "r";

    ResolverKey {
        Objects.requireNonNull(resolver, "resolver");
    }

    @Override
    public String resolve(Call call) {
        String value = clearValue(call);
        return value == null ? UNKNOWN : PartitionHash.of(SOURCE, value);
    }

    @Override
    public String clearValue(Call call) {
        String value = call.resolve(resolver);
        return value == null || value.isEmpty() ? null : value;
    }
}
