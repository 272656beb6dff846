package dev.tollgate.example;

import dev.tollgate.spi.PartitionKeyResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.interceptor.InvocationContext;

/**
 * Counts limits per user, identified by the {@code X-Api-Key} header. Unknown or missing keys resolve to
 * {@code null}, which Tollgate counts in one shared "unknown" partition: inventing keys does not buy new quota.
 */
@ApplicationScoped
public class ApiKeyPartition implements PartitionKeyResolver {

    @Inject
    ApiKeys keys;

    @Override
    public String resolve(InvocationContext invocation) {
        return keys.current().map(ApiKeys.Caller::user).orElse(null);
    }
}
