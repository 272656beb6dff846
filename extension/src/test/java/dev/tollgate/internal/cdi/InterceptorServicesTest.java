package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.context.control.RequestContextController;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The interceptor is created anew with every instance of the bean it intercepts, and finds the limits through
 * {@link InterceptorServices}, one per application: every instance counts against the same limit.
 */
class InterceptorServicesTest {

    /** A new instance, and so a new interceptor instance, for every lookup. */
    @Dependent
    public static class Lookup {
        @RateLimit(name = "lookup", limit = 2, windowUnit = ChronoUnit.HOURS)
        public String find() {
            return "found";
        }
    }

    /** A new instance for every request, as a JAX-RS resource is. */
    @RequestScoped
    public static class Search {
        @RateLimit(name = "search", limit = 2, windowUnit = ChronoUnit.HOURS)
        public String search() {
            return "results";
        }
    }

    @Test
    void everyInstanceOfADependentBeanCountsAgainstTheSameLimit() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Lookup.class)) {
            assertThat(container.bean(Lookup.class).find()).isEqualTo("found");
            assertThat(container.bean(Lookup.class).find()).isEqualTo("found");
            assertThatThrownBy(() -> container.bean(Lookup.class).find())
                    .isInstanceOfSatisfying(RateLimitExceededException.class,
                            e -> assertThat(e.limiter()).isEqualTo("lookup"));
        }
    }

    @Test
    void everyRequestsInstanceCountsAgainstTheSameLimit() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Search.class)) {
            RequestContextController requests = container.bean(RequestContextController.class);
            for (int i = 0; i < 2; i++) {
                requests.activate();
                try {
                    assertThat(container.bean(Search.class).search()).isEqualTo("results");
                } finally {
                    requests.deactivate();
                }
            }
            requests.activate();
            try {
                assertThatThrownBy(() -> container.bean(Search.class).search())
                        .isInstanceOf(RateLimitExceededException.class);
            } finally {
                requests.deactivate();
            }
        }
    }

    @Test
    void isOneObjectPerApplication() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Lookup.class)) {
            InterceptorServices services = container.bean(InterceptorServices.class);
            assertThat(container.bean(InterceptorServices.class)).isSameAs(services);
            assertThat(services.runtime().methods()).hasSize(1);
            assertThat(services.idempotency()).isNotNull();
            assertThat(services.security()).isNotNull();
            assertThat(services.requestContexts().isResolvable()).isTrue();
        }
    }
}
