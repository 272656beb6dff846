package dev.tollgate.internal.cdi;

import dev.tollgate.IdempotencyKey;
import dev.tollgate.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.DeploymentException;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invalid {@code @Idempotent} annotations and settings fail the deployment, naming member, method and value. */
class InvalidIdempotentDeploymentTest {

    @ApplicationScoped
    public static class Broken {
        @Idempotent(ttl = 0)
        public void noTtl() {
        }

        @Idempotent(ttlUnit = ChronoUnit.MILLIS)
        public void millis() {
        }

        @Idempotent
        public void twoKeys(@IdempotencyKey String a, @IdempotencyKey String b) {
        }

        @Idempotent(maxWait = 2, maxWaitUnit = ChronoUnit.MINUTES)
        public void waitsTooLong() {
        }

        @Idempotent
        public void configured() {
        }
    }

    private static final String BROKEN = Broken.class.getName();

    @Test
    void everyProblemIsReportedInOneDeploymentError() {
        assertThatThrownBy(() -> TollgateContainer.start(Map.of(
                        BROKEN + "/configured/Idempotent/storeFailures", "java.lang.String, com.acme.Missing",
                        "tollgate.idempotency.replayed-headers", "Location, Set-Cookie",
                        "tollgate.idempotency.lease", "5"), Broken.class).close())
                .hasRootCauseInstanceOf(DeploymentException.class)
                .rootCause()
                .hasMessageContaining("Tollgate found 8 invalid settings:")
                .hasMessageContaining("Invalid @Idempotent.ttl on " + BROKEN + "#noTtl(): must be > 0, was 0")
                .hasMessageContaining("Invalid @Idempotent.ttlUnit on " + BROKEN + "#millis(): must be one of ")
                .hasMessageContaining("Invalid @IdempotencyKey on " + BROKEN + "#twoKeys(String, String): at most"
                        + " one parameter may carry it")
                .hasMessageContaining("Invalid @Idempotent.maxWait on " + BROKEN + "#waitsTooLong(): maxWait x"
                        + " maxWaitUnit must be at most 60 seconds, was 2 MINUTES")
                .hasMessageContaining("Invalid @Idempotent.storeFailures on " + BROKEN + "#configured(): must name"
                        + " exception classes, but java.lang.String is not a Throwable")
                .hasMessageContaining("but com.acme.Missing cannot be loaded")
                .hasMessageContaining("(from config " + BROKEN + "/configured/Idempotent/storeFailures)")
                .hasMessageContaining("Invalid tollgate.idempotency.replayed-headers: Set-Cookie carries credentials")
                .hasMessageContaining("Invalid tollgate.idempotency.lease: must be between 100 ms and 10 minutes,"
                        + " was 5 ms");
    }

    @Test
    void anUnknownFailureModeFailsTheDeployment() {
        assertThatThrownBy(() -> TollgateContainer.start(Map.of("tollgate.idempotency.failureMode", "maybe"),
                Broken.class).close())
                .rootCause()
                .hasMessageContaining("Invalid @Idempotent.failureMode on " + BROKEN + "#configured(): must be one of"
                        + " [REJECT, EXECUTE], was 'maybe' (from config tollgate.idempotency.failureMode)");
    }
}
