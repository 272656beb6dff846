package dev.tollgate.internal.resilience;

import dev.tollgate.internal.metrics.GuardMetrics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The breaker's states, counted call by call (no backend: the calls are reported by hand). */
class BackendCircuitTest {

    private static final BreakerSettings SETTINGS = new BreakerSettings(true, 50, 10, 4, Duration.ofMillis(200));

    @Test
    void opensOnceEnoughOfTheRecentCallsFailedAndThenRefusesAtOnce() {
        BackendCircuit circuit = new BackendCircuit("redis", SETTINGS, GuardMetrics.NONE);
        circuit.succeeded(circuit.permit());
        circuit.failed(circuit.permit(), new IOException("refused"));
        circuit.failed(circuit.permit(), new IOException("refused"));
        assertThat(circuit.state()).as("3 calls: fewer than the minimum of 4").isEqualTo(BackendCircuit.CLOSED);

        circuit.succeeded(circuit.permit());
        assertThat(circuit.state()).as("2 of 4 failed: 50 %").isEqualTo(BackendCircuit.OPEN);
        assertThatThrownBy(circuit::permit).isInstanceOfSatisfying(CircuitOpenException.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
    }

    @Test
    void staysClosedWhileFailuresAreBelowTheRate() {
        BackendCircuit circuit = new BackendCircuit("redis", SETTINGS, GuardMetrics.NONE);
        for (int i = 0; i < 100; i++) {
            long start = circuit.permit();
            if (i % 3 == 2) {
                circuit.failed(start, new IOException("timeout"));
            } else {
                circuit.succeeded(start);
            }
        }
        assertThat(circuit.state()).as("a third of the calls failed").isEqualTo(BackendCircuit.CLOSED);
    }

    @Test
    void afterTheCoolOffOneProbeIsLetThroughAndItsOutcomeDecides() throws Exception {
        BackendCircuit circuit = open();
        awaitCoolOff(circuit);
        long probe = circuit.permit();
        assertThat(circuit.state()).isEqualTo(BackendCircuit.HALF_OPEN);
        assertThatThrownBy(circuit::permit).as("one probe at a time").isInstanceOf(CircuitOpenException.class);
        circuit.failed(probe, new IOException("still down"));
        assertThat(circuit.state()).as("a failed probe opens it again").isEqualTo(BackendCircuit.OPEN);

        awaitCoolOff(circuit);
        circuit.succeeded(circuit.permit());
        assertThat(circuit.state()).as("a successful probe closes it").isEqualTo(BackendCircuit.CLOSED);
        circuit.succeeded(circuit.permit());
    }

    @Test
    void anAbandonedProbeLetsTheNextCallProbe() throws Exception {
        BackendCircuit circuit = open();
        awaitCoolOff(circuit);
        circuit.permit();
        circuit.abandoned();
        circuit.succeeded(circuit.permit());
        assertThat(circuit.state()).isEqualTo(BackendCircuit.CLOSED);
    }

    @Test
    void aDisabledBreakerNeverOpens() {
        BackendCircuit circuit = new BackendCircuit("redis", new BreakerSettings(false, 50, 10, 4,
                Duration.ofSeconds(3)), GuardMetrics.NONE);
        for (int i = 0; i < 50; i++) {
            circuit.failed(circuit.permit(), new IOException("down"));
        }
        assertThat(circuit.state()).isEqualTo(BackendCircuit.CLOSED);
        assertThat(circuit.stateName()).isEqualTo("CLOSED");
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new BreakerSettings(true, 0, 10, 5, Duration.ofSeconds(1)))
                .hasMessage("failureRatePercent must be in [1, 100], was 0");
        assertThatThrownBy(() -> new BreakerSettings(true, 50, 4, 5, Duration.ofSeconds(1)))
                .hasMessage("minimumCalls must be in [1, 4], was 5");
        assertThatThrownBy(() -> new BreakerSettings(true, 50, 10, 5, Duration.ZERO))
                .hasMessage("openFor must be > 0, was PT0S");
    }

    private static BackendCircuit open() {
        BackendCircuit circuit = new BackendCircuit("redis", SETTINGS, GuardMetrics.NONE);
        for (int i = 0; i < 4; i++) {
            circuit.failed(circuit.permit(), new IOException("down"));
        }
        assertThat(circuit.state()).isEqualTo(BackendCircuit.OPEN);
        return circuit;
    }

    /** Waits out the 200 ms cool-off: polls until a call is permitted (bounded), asserting no duration. */
    private static void awaitCoolOff(BackendCircuit circuit) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        TimeUnit.MILLISECONDS.sleep(200);
        while (System.nanoTime() < deadline) {
            try {
                circuit.permit();
                circuit.abandoned(); // hands the probe back for the test to take
                return;
            } catch (CircuitOpenException e) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        throw new AssertionError("the cool-off never ended");
    }
}
