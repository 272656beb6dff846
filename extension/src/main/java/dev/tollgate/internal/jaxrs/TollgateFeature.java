package dev.tollgate.internal.jaxrs;

import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Registers Tollgate's JAX-RS providers (the rate-limit filter and mappers; the idempotent response capture, body
 * digests and mappers) in every JAX-RS server application of the deployment,
 * including those whose {@code Application} lists its classes (which turns off {@code @Provider} scanning).
 *
 * <p>Loaded through {@code META-INF/services/jakarta.ws.rs.core.Feature} (Jakarta REST 3.1 section 4.1.2). Not a
 * {@code @Provider} itself, so scanning cannot register it a second time. Registers only what scanning has not
 * registered already, so neither Jersey nor RESTEasy logs a duplicate registration. Client runtimes (JAX-RS and
 * MicroProfile REST clients load the same services) are left alone.
 */
public class TollgateFeature implements Feature {

    @Override
    public boolean configure(FeatureContext context) {
        if (context.getConfiguration().getRuntimeType() != RuntimeType.SERVER) {
            return false;
        }
        registerIfAbsent(context, RateLimitResponseFilter.class);
        registerIfAbsent(context, RateLimitExceededMapper.class);
        registerIfAbsent(context, BackendUnavailableMapper.class);
        registerIfAbsent(context, IdempotentResponseCapture.class);
        registerIfAbsent(context, IdempotencyMappers.InvalidKey.class);
        registerIfAbsent(context, IdempotencyMappers.Conflict.class);
        registerIfAbsent(context, IdempotencyMappers.Mismatch.class);
        registerIfAbsent(context, IdempotencyMappers.Replay.class);
        registerIfAbsent(context, IdempotencyBodyDigests.class);
        return true;
    }

    private static void registerIfAbsent(FeatureContext context, Class<?> provider) {
        if (!context.getConfiguration().isRegistered(provider)) {
            context.register(provider);
        }
    }
}
