package dev.tollgate.internal.jaxrs;

import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static dev.tollgate.internal.jaxrs.Fakes.proxy;
import static org.assertj.core.api.Assertions.assertThat;

class TollgateFeatureTest {

    private final List<Class<?>> registered = new ArrayList<>();

    @Test
    void registersTheFiltersAndMappersOnServers() {
        assertThat(new TollgateFeature().configure(context(RuntimeType.SERVER))).isTrue();

        assertThat(registered).containsExactly(RateLimitResponseFilter.class, RateLimitExceededMapper.class,
                BackendUnavailableMapper.class, IdempotentResponseCapture.class, IdempotencyMappers.InvalidKey.class,
                IdempotencyMappers.Conflict.class, IdempotencyMappers.Mismatch.class,
                IdempotencyMappers.Replay.class, IdempotencyBodyDigests.class);
    }

    @Test
    void doesNotRegisterWhatScanningAlreadyRegistered() {
        registered.add(RateLimitExceededMapper.class);

        new TollgateFeature().configure(context(RuntimeType.SERVER));

        assertThat(registered).containsExactly(RateLimitExceededMapper.class, RateLimitResponseFilter.class,
                BackendUnavailableMapper.class, IdempotentResponseCapture.class, IdempotencyMappers.InvalidKey.class,
                IdempotencyMappers.Conflict.class, IdempotencyMappers.Mismatch.class,
                IdempotencyMappers.Replay.class, IdempotencyBodyDigests.class);
    }

    @Test
    void leavesClientsAlone() {
        assertThat(new TollgateFeature().configure(context(RuntimeType.CLIENT))).isFalse();

        assertThat(registered).isEmpty();
    }

    @Test
    void isListedForJakartaRestServiceLoading() {
        assertThat(ServiceLoader.load(Feature.class).stream().map(ServiceLoader.Provider::type))
                .contains(TollgateFeature.class);
    }

    private FeatureContext context(RuntimeType runtime) {
        Configuration configuration = proxy(Configuration.class, (method, args) -> switch (method) {
            case "getRuntimeType" -> runtime;
            case "isRegistered" -> registered.contains((Class<?>) args[0]);
            default -> throw new UnsupportedOperationException(method);
        });
        return proxy(FeatureContext.class, (method, args) -> switch (method) {
            case "getConfiguration" -> configuration;
            case "register" -> {
                registered.add((Class<?>) args[0]);
                yield null;
            }
            default -> throw new UnsupportedOperationException(method);
        });
    }
}
