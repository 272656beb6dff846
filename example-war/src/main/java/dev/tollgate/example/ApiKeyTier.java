package dev.tollgate.example;

import dev.tollgate.spi.TierResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.interceptor.InvocationContext;

/** The caller's plan, from its API key; callers without a known key get the default (first) tier. */
@ApplicationScoped
public class ApiKeyTier implements TierResolver {

    @Inject
    ApiKeys keys;

    @Override
    public String resolveTier(InvocationContext invocation) {
        return keys.current().map(ApiKeys.Caller::tier).orElse(null);
    }
}
