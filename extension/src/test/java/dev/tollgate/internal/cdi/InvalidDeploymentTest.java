package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.DeploymentException;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invalid annotations and configuration fail the deployment, naming member, method and value, all at once. */
class InvalidDeploymentTest {

    @ApplicationScoped
    public static class Broken {
        @RateLimit(limit = 0)
        public void noPermits() {
        }

        @RateLimit(limit = 5, windowUnit = ChronoUnit.MONTHS)
        public void monthly() {
        }

        @RateLimit(limit = 5, key = "param:missing")
        public void noSuchParameter(String present) {
        }
    }

    @ApplicationScoped
    public static class LeasedSlidingWindow {
        @RateLimit(limit = 100, algorithm = RateLimit.Algorithm.SLIDING_WINDOW, leasing = true)
        public void call() {
        }
    }

    @ApplicationScoped
    public static class Fine {
        @RateLimit(limit = 5)
        public void call() {
        }
    }

    private static final String BROKEN = Broken.class.getName();

    @Test
    void everyProblemIsReportedInOneDeploymentError() {
        assertThatThrownBy(() -> TollgateContainer.start(Map.of(), Broken.class).close())
                .hasRootCauseInstanceOf(DeploymentException.class)
                .rootCause()
                .hasMessageContaining("Tollgate found 3 invalid settings:")
                .hasMessageContaining("Invalid @RateLimit.limit on " + BROKEN + "#noPermits(): must be > 0 and <= "
                        + "1099511627776, was 0")
                .hasMessageContaining("Invalid @RateLimit.windowUnit on " + BROKEN + "#monthly(): must be one of ")
                .hasMessageContaining("Invalid @RateLimit.key on " + BROKEN + "#noSuchParameter(String): ")
                .hasMessageContaining(", was 'param:missing'");
    }

    @Test
    void badRedisSettingsFailTheDeployment() {
        assertThatThrownBy(() -> TollgateContainer.start(Map.of("tollgate.redis.address", "localhost:6379",
                "tollgate.redis.command-timeout", "fast"), Fine.class).close())
                .rootCause()
                .hasMessageContaining("Invalid tollgate.redis.command-timeout: must be milliseconds (500) or an"
                        + " ISO-8601 duration (PT0.5S), was 'fast'");
    }

    @Test
    void badFailureModeSettingsFailTheDeploymentTogether() {
        Map<String, String> config = Map.of(
                Fine.class.getName() + "/call/RateLimit/failureMode", "FAIL_OPEN",
                "tollgate.ratelimit.local-share", "1.5",
                "tollgate.redis.breaker.failure-rate", "0",
                "tollgate.redis.breaker.window", "4",
                "tollgate.redis.breaker.minimum-calls", "5",
                "tollgate.redis.breaker.open-for", "soon");
        assertThatThrownBy(() -> TollgateContainer.start(config, Fine.class).close())
                .rootCause()
                .hasMessageContaining("Invalid @RateLimit.failureMode on " + Fine.class.getName() + "#call(): must be"
                        + " one of [LOCAL, ALLOW, REJECT], was 'FAIL_OPEN' (from config " + Fine.class.getName()
                        + "/call/RateLimit/failureMode)")
                .hasMessageContaining("Invalid tollgate.ratelimit.local-share: must be a fraction greater than 0 and"
                        + " at most 1 (0.25 for four instances), was '1.5'")
                .hasMessageContaining("Invalid tollgate.redis.breaker.failure-rate: must be between 1 and 100, was 0")
                .hasMessageContaining("Invalid tollgate.redis.breaker.minimum-calls: must be at most"
                        + " tollgate.redis.breaker.window (4), was 5")
                .hasMessageContaining("Invalid tollgate.redis.breaker.open-for: must be milliseconds (500) or an"
                        + " ISO-8601 duration (PT0.5S), was 'soon'");
    }

    @Test
    void leasingALimitThatCannotBeLeasedFailsTheDeployment() {
        assertThatThrownBy(() -> TollgateContainer.start(Map.of(), LeasedSlidingWindow.class).close())
                .hasRootCauseInstanceOf(DeploymentException.class)
                .rootCause()
                .hasMessageContaining("Invalid @RateLimit.leasing on " + LeasedSlidingWindow.class.getName()
                        + "#call(): only FIXED_WINDOW and TOKEN_BUCKET permits can be leased, but the algorithm is"
                        + " SLIDING_WINDOW, was true");
    }

    @Test
    void leasingConfiguredForAConcurrencyLimitFailsTheDeploymentNamingTheKey() {
        String key = Fine.class.getName() + "/call/RateLimit/leasing";
        assertThatThrownBy(() -> TollgateContainer.start(Map.of(key, "true",
                Fine.class.getName() + "/call/RateLimit/algorithm", "CONCURRENCY"), Fine.class).close())
                .rootCause()
                .hasMessageContaining("Invalid @RateLimit.leasing on " + Fine.class.getName() + "#call(): only"
                        + " FIXED_WINDOW and TOKEN_BUCKET permits can be leased, but the algorithm is CONCURRENCY, was"
                        + " true (from config " + key + ")");
    }
}
