package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimit;
import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.RateLimitStatus;
import dev.tollgate.spi.TierResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.InvocationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The extension and interceptor in a real CDI container (Weld SE), on the in-memory backend. */
class RateLimitInterceptorTest {

    @ApplicationScoped
    public static class Reports {
        private final AtomicInteger runs = new AtomicInteger();

        int runs() {
            return runs.get();
        }

        @RateLimit(limit = 3, windowUnit = ChronoUnit.HOURS)
        public String generate() {
            runs.incrementAndGet();
            return "report";
        }

        @RateLimit(name = "export-burst", limit = 5, windowUnit = ChronoUnit.HOURS)
        @RateLimit(name = "export-daily", limit = 2, windowUnit = ChronoUnit.DAYS)
        public String export() {
            return "export";
        }

        @RateLimit(name = "trial", limit = 1, windowUnit = ChronoUnit.HOURS, shadow = true)
        public String trial() {
            runs.incrementAndGet();
            return "trial";
        }

        @RateLimit(name = "patient", limit = 1, window = 300, windowUnit = ChronoUnit.MILLIS,
                algorithm = Algorithm.SLIDING_WINDOW, maxWait = 2, maxWaitUnit = ChronoUnit.SECONDS)
        public String patient() {
            return "waited";
        }

        @RateLimit(name = "per-order", limit = 1, windowUnit = ChronoUnit.HOURS, key = "param:orderId")
        public String byOrder(String orderId) {
            return orderId;
        }

        public String unlimited() {
            return "free";
        }
    }

    @ApplicationScoped
    @RateLimit(name = "catalog", limit = 2, windowUnit = ChronoUnit.HOURS)
    public static class Catalog {
        public String list() {
            return "list";
        }

        public String show() {
            return "show";
        }

        @RateLimit(name = "catalog-search", limit = 1, windowUnit = ChronoUnit.HOURS)
        public String search() {
            return "search";
        }
    }

    @ApplicationScoped
    public static class Plans {
        @RateLimit(name = "plans", limit = 1, windowUnit = ChronoUnit.HOURS, tiered = true)
        public String use() {
            return "used";
        }
    }

    /** Puts every caller in the tier named by a static field, so a test can change tiers between calls. */
    @ApplicationScoped
    public static class FixedTier implements TierResolver {
        static volatile String tier;

        @Override
        public String resolveTier(InvocationContext invocation) {
            return tier;
        }
    }

    @ApplicationScoped
    public static class Registry {
        static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

        @Produces
        MeterRegistry registry() {
            return REGISTRY;
        }
    }

    private static final String REPORTS = Reports.class.getName();

    @Test
    void refusesPastTheLimitWithoutRunningTheMethod() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Reports.class)) {
            Reports reports = container.bean(Reports.class);
            for (int i = 0; i < 3; i++) {
                assertThat(reports.generate()).isEqualTo("report");
            }
            assertThatThrownBy(reports::generate)
                    .isInstanceOfSatisfying(RateLimitExceededException.class, e -> {
                        assertThat(e.limiter()).isEqualTo(REPORTS + "/generate");
                        assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
                    });
            assertThat(reports.runs()).isEqualTo(3);
            assertThat(reports.unlimited()).isEqualTo("free");
        }
    }

    @Test
    void severalLimitsAreDecidedTogether() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Reports.class)) {
            Reports reports = container.bean(Reports.class);
            reports.export();
            reports.export();
            assertThatThrownBy(reports::export).isInstanceOfSatisfying(RateLimitExceededException.class,
                    e -> assertThat(e.limiter()).isEqualTo("export-daily"));
            RateLimitStatus status = container.bean(RateLimitStatus.class);
            assertThat(status.quota("export-burst").orElseThrow().remaining()).isEqualTo(3);
            assertThat(status.quota("export-daily").orElseThrow().remaining()).isZero();
        }
    }

    @Test
    void aClassLevelLimitCoversEveryMethodAndAMethodLevelOneReplacesIt() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Catalog.class)) {
            Catalog catalog = container.bean(Catalog.class);
            catalog.list();
            catalog.show();
            assertThatThrownBy(catalog::list).isInstanceOf(RateLimitExceededException.class);
            assertThat(catalog.search()).isEqualTo("search");
            assertThatThrownBy(catalog::search).isInstanceOfSatisfying(RateLimitExceededException.class,
                    e -> assertThat(e.limiter()).isEqualTo("catalog-search"));
        }
    }

    @Test
    void configurationOverridesTheAnnotation() {
        try (TollgateContainer container = TollgateContainer.start(
                Map.of(REPORTS + "/generate/RateLimit/limit", "1"), Reports.class)) {
            Reports reports = container.bean(Reports.class);
            reports.generate();
            assertThatThrownBy(reports::generate).isInstanceOf(RateLimitExceededException.class);
        }
    }

    @Test
    void aLimitCanBeSwitchedOffByConfiguration() {
        try (TollgateContainer container = TollgateContainer.start(
                Map.of("tollgate.ratelimit.enabled", "false"), Reports.class)) {
            Reports reports = container.bean(Reports.class);
            for (int i = 0; i < 10; i++) {
                reports.generate();
            }
            assertThat(reports.runs()).isEqualTo(10);
        }
    }

    @Test
    void shadowModeDecidesButNeverRefuses() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Reports.class, Registry.class)) {
            Reports reports = container.bean(Reports.class);
            for (int i = 0; i < 4; i++) {
                assertThat(reports.trial()).isEqualTo("trial");
            }
            assertThat(reports.runs()).isEqualTo(4);
            assertThat(count("trial", "permitted")).isEqualTo(1);
            assertThat(count("trial", "rejected")).isEqualTo(3);
        }
    }

    @Test
    void aCallWaitsForAPermitDueWithinMaxWait() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Reports.class)) {
            Reports reports = container.bean(Reports.class);
            assertThat(reports.patient()).isEqualTo("waited");
            assertThat(reports.patient()).as("admitted after waiting for the first permit to age out")
                    .isEqualTo("waited");
        }
    }

    @Test
    void aParameterCanBeThePartition() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Reports.class)) {
            Reports reports = container.bean(Reports.class);
            reports.byOrder("A-1");
            assertThat(reports.byOrder("B-2")).isEqualTo("B-2");
            assertThatThrownBy(() -> reports.byOrder("A-1")).isInstanceOf(RateLimitExceededException.class);
        }
    }

    @Test
    void theCallersTierPicksTheLimit() {
        Map<String, String> tiers = Map.of("tollgate.tiers", "free,premium", "tollgate.tier.free.limit", "1",
                "tollgate.tier.premium.limit", "3");
        try (TollgateContainer container = TollgateContainer.start(tiers, Plans.class, FixedTier.class)) {
            Plans plans = container.bean(Plans.class);
            FixedTier.tier = "free";
            plans.use();
            assertThatThrownBy(plans::use).isInstanceOf(RateLimitExceededException.class);
            FixedTier.tier = "premium";
            plans.use();
            plans.use();
            assertThatThrownBy(plans::use).isInstanceOf(RateLimitExceededException.class);
            assertThat(container.bean(RateLimitStatus.class).quota("plans").orElseThrow().limit()).isEqualTo(3);
        }
    }

    @Test
    void countersExistFromDeploymentAndCountEachDecision() {
        try (TollgateContainer container = TollgateContainer.start(Map.of(), Reports.class, Registry.class)) {
            assertThat(count("export-daily", "permitted")).isZero();
            assertThat(count("export-daily", "rejected")).isZero();
            Reports reports = container.bean(Reports.class);
            reports.export();
            reports.export();
            assertThatThrownBy(reports::export).isInstanceOf(RateLimitExceededException.class);
            assertThat(count("export-daily", "permitted")).isEqualTo(2);
            assertThat(count("export-daily", "rejected")).isEqualTo(1);
            assertThat(count("export-burst", "permitted")).isEqualTo(2);
            assertThat(count("export-burst", "rejected")).as("it had room: it refused nothing").isZero();
        }
    }

    private static double count(String limiter, String result) {
        var counter = Registry.REGISTRY.find("tollgate.ratelimit.calls.total").tag("limiter", limiter)
                .tag("result", result).counter();
        return counter == null ? -1 : counter.count();
    }
}
