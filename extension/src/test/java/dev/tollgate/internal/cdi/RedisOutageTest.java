package dev.tollgate.internal.cdi;

import dev.tollgate.internal.readiness.BackendReadiness;
import dev.tollgate.Idempotent;
import dev.tollgate.IdempotencyKey;
import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.RateLimitStatus;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.resilience.CircuitOpenException;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both guards in a real CDI container (Weld SE) on a real {@code redis-server} that dies ({@code SIGKILL}) or freezes
 * ({@code SIGSTOP}) while many threads call: each failure mode does what it promises, the circuit breaker keeps
 * calls off a dead Redis, and one probe after the cool-off brings decisions back. Nothing here asserts a duration:
 * calls, outcomes and breaker states are counted.
 */
class RedisOutageTest {

    private static final int LIMIT = 20;
    private static final int CALLERS = 64;

    @ApplicationScoped
    public static class Guarded {
        private final AtomicInteger payments = new AtomicInteger();
        private final AtomicInteger notes = new AtomicInteger();
        /** Set by a test: runs inside {@link #settle}, after the method's work and before its result is stored. */
        private volatile Runnable afterWork = () -> { };

        // Accessors, not fields: a test holds the client proxy, whose own fields are never set.
        int payments() {
            return payments.get();
        }

        int notes() {
            return notes.get();
        }

        void afterWork(Runnable action) {
            afterWork = action;
        }

        @RateLimit(name = "outage-local", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS)
        public void local() {
        }

        @RateLimit(name = "outage-local-wide", limit = 100_000, window = 1, windowUnit = ChronoUnit.HOURS)
        public void wide() {
        }

        @RateLimit(name = "outage-allow", limit = 2, window = 1, windowUnit = ChronoUnit.HOURS,
                failureMode = RateLimit.FailureMode.ALLOW)
        public void allow() {
        }

        @RateLimit(name = "outage-reject", limit = 100_000, window = 1, windowUnit = ChronoUnit.HOURS,
                failureMode = RateLimit.FailureMode.REJECT)
        public void reject() {
        }

        @Idempotent
        public String pay(@IdempotencyKey String key) {
            payments.incrementAndGet();
            return "paid " + key;
        }

        @Idempotent(failureMode = Idempotent.FailureMode.EXECUTE)
        public String note(@IdempotencyKey String key) {
            notes.incrementAndGet();
            return "noted " + key;
        }

        @Idempotent
        public String settle(@IdempotencyKey String key) {
            payments.incrementAndGet();
            afterWork.run();
            return "settled " + key;
        }
    }

    /** Only refusing failure modes: readiness has nothing to keep serving. */
    @ApplicationScoped
    public static class RefusingOnly {
        @RateLimit(limit = 5, failureMode = RateLimit.FailureMode.REJECT)
        public void call() {
        }
    }

    @ApplicationScoped
    public static class Registry {
        static volatile SimpleMeterRegistry registry = new SimpleMeterRegistry();

        @Produces
        MeterRegistry registry() {
            return registry;
        }
    }

    private static TollgateContainer start(RedisProcess redis, String openFor, Class<?>... beans) {
        Registry.registry = new SimpleMeterRegistry();
        Map<String, String> config = new HashMap<>();
        config.put("tollgate.redis.address", redis.address());
        config.put("tollgate.redis.command-timeout", "300");
        config.put("tollgate.redis.connect-timeout", "300");
        config.put("tollgate.redis.breaker.open-for", openFor);
        List<Class<?>> all = new ArrayList<>(List.of(beans));
        all.add(Registry.class);
        return TollgateContainer.start(config, all.toArray(Class<?>[]::new));
    }

    @Test
    void whileRedisIsKilledLocalEnforcesExactlyTheLimitAllowRefusesNothingAndRejectRefuses() throws Exception {
        try (RedisProcess redis = RedisProcess.start(); var container = start(redis, "PT10S", Guarded.class)) {
            Guarded guarded = container.bean(Guarded.class);
            for (int i = 0; i < 5; i++) {
                guarded.local(); // decided by Redis: the local fallback does not know of these
            }
            redis.kill();

            Outcomes local = callAtOnce(guarded::local);
            assertThat(local.unavailable + local.other.size()).as("no call fails but with a refusal").isZero();
            assertThat(local.permitted).as("exactly the limit, decided on this instance").isEqualTo(LIMIT);
            assertThat(local.refused).isEqualTo(CALLERS - LIMIT);

            Outcomes allowed = callAtOnce(guarded::allow);
            assertThat(allowed.permitted).as("ALLOW refuses nothing, 32 times its limit").isEqualTo(CALLERS);

            assertThatThrownBy(guarded::reject).isInstanceOf(BackendUnavailableException.class);

            assertThat(count("tollgate.ratelimit.fallbacks.total", "mode", "local")).isEqualTo(CALLERS);
            assertThat(count("tollgate.ratelimit.fallbacks.total", "mode", "allow")).isEqualTo(CALLERS);
            assertThat(count("tollgate.ratelimit.fallbacks.total", "mode", "reject")).isEqualTo(1);
            assertThat(count("tollgate.backend.failures.total", "backend", "redis")).isPositive();
            assertThat(Registry.registry.find("tollgate.backend.calls").tag("backend", "redis").timer().count())
                    .as("every call that reached for Redis is timed").isGreaterThanOrEqualTo(6);
            assertThat(breakerGauge()).isEqualTo(BackendCircuit.OPEN);
        }
    }

    @Test
    void whileRedisIsFrozenLocalEnforcesExactlyTheLimitAndRejectRefusesWithoutWaiting() throws Exception {
        try (RedisProcess redis = RedisProcess.start(); var container = start(redis, "PT10S", Guarded.class)) {
            Guarded guarded = container.bean(Guarded.class);
            guarded.local();
            redis.freeze();
            try {
                Outcomes local = callAtOnce(guarded::local);
                assertThat(local.unavailable + local.other.size()).as("timeouts fall back to LOCAL too").isZero();
                assertThat(local.permitted).isEqualTo(LIMIT);
                assertThat(local.refused).isEqualTo(CALLERS - LIMIT);
                assertThat(state(container)).as("the timeouts opened the breaker").isEqualTo(BackendCircuit.OPEN);

                assertThatThrownBy(guarded::reject).as("refused at once: the breaker is open")
                        .isInstanceOf(CircuitOpenException.class);
                assertThat(callAtOnce(guarded::allow).permitted).isEqualTo(CALLERS);
            } finally {
                redis.thaw();
            }
        }
    }

    @Test
    void whileTheBreakerIsOpenRedisGetsNoDecisionAndOneProbeAfterTheCoolOffBringsThemBack() throws Exception {
        try (RedisProcess redis = RedisProcess.start(); var container = start(redis, "PT4S", Guarded.class)) {
            Guarded guarded = container.bean(Guarded.class);
            guarded.wide();
            redis.kill();
            for (int i = 0; i < 10 && state(container) != BackendCircuit.OPEN; i++) {
                guarded.wide();
            }
            assertThat(state(container)).isEqualTo(BackendCircuit.OPEN);
            redis.restart();

            try (RedisInspector inspector = redis.inspector()) {
                Outcomes during = callAtOnce(guarded::wide);
                assertThat(during.permitted).isEqualTo(CALLERS);
                assertThat(state(container)).as("still within the cool-off").isEqualTo(BackendCircuit.OPEN);
                assertThat(inspector.commandCalls().getOrDefault("evalsha", 0L))
                        .as("no decision reached the revived Redis while the breaker was open").isZero();

                // Past the cool-off (plus a margin for a slow machine): the next call is the probe.
                Thread.sleep(4_500);
                guarded.wide();
                // The revived server has no scripts yet: the probe's EVALSHA is answered NOSCRIPT, then one EVAL.
                assertThat(inspector.commandCalls()).as("one probe, decided by Redis")
                        .containsEntry("evalsha", 1L).containsEntry("eval", 1L);
                assertThat(state(container)).as("its success closed the breaker").isEqualTo(BackendCircuit.CLOSED);
                guarded.wide();
                assertThat(inspector.commandCalls()).as("decisions are back on Redis")
                        .containsEntry("evalsha", 2L).containsEntry("eval", 1L);
            }
        }
    }

    @Test
    void anIdempotentMethodThatRejectsNeverRunsDuringTheOutageAndOneThatExecutesRunsUnguarded() throws Exception {
        try (RedisProcess redis = RedisProcess.start(); var container = start(redis, "PT10S", Guarded.class)) {
            Guarded guarded = container.bean(Guarded.class);
            assertThat(guarded.pay("before")).isEqualTo("paid before");
            redis.kill();

            Outcomes payments = callAtOnce(() -> guarded.pay("during"));
            assertThat(payments.unavailable).as("REJECT refuses every call").isEqualTo(CALLERS);
            assertThat(guarded.payments()).as("and the method never ran during the outage").isEqualTo(1);

            assertThat(guarded.note("n-1")).isEqualTo("noted n-1");
            assertThat(guarded.note("n-1")).as("EXECUTE runs without the guarantee: no replay").isEqualTo("noted n-1");
            assertThat(guarded.notes()).isEqualTo(2);
            assertThat(count("tollgate.idempotency.fallbacks.total", "mode", "reject")).isEqualTo(CALLERS);
            assertThat(count("tollgate.idempotency.fallbacks.total", "mode", "execute")).isEqualTo(2);
        }
    }

    @Test
    void aStoreThatDiesAfterTheMethodRanStillReturnsTheMethodsResult() {
        try (RedisProcess redis = RedisProcess.start(); var container = start(redis, "PT10S", Guarded.class)) {
            Guarded guarded = container.bean(Guarded.class);
            guarded.afterWork(redis::kill);

            assertThat(guarded.settle("s-1")).as("the work was done: its result, never an error")
                    .isEqualTo("settled s-1");
            assertThat(guarded.payments()).isEqualTo(1);

            // The result could not be stored: once Redis is back (empty, as after a crash) a retry runs again.
            guarded.afterWork(() -> { });
            redis.restart();
            awaitClosed(container, guarded::wide);
            assertThat(guarded.settle("s-1")).isEqualTo("settled s-1");
            assertThat(guarded.payments()).isEqualTo(2);
        }
    }

    @Test
    void theStatusOfALimitDuringTheOutageIsWhatItsFailureModeDecides() {
        try (RedisProcess redis = RedisProcess.start(); var container = start(redis, "PT10S", Guarded.class)) {
            Guarded guarded = container.bean(Guarded.class);
            RateLimitStatus status = container.bean(RateLimitStatus.class);
            guarded.local();
            redis.kill();
            guarded.local();
            guarded.local();

            assertThat(status.quota("outage-local").orElseThrow().remaining())
                    .as("the local state: two of the outage's calls taken").isEqualTo(LIMIT - 2);
            assertThat(status.quota("outage-allow").orElseThrow().remaining()).isEqualTo(2);
            assertThatThrownBy(() -> status.quota("outage-reject")).isInstanceOf(BackendUnavailableException.class);
        }
    }

    @Test
    void readinessStaysUpWhileFailureModesServeAndReportsTheBreaker() {
        try (RedisProcess redis = RedisProcess.start(); var container = start(redis, "PT10S", Guarded.class)) {
            Guarded guarded = container.bean(Guarded.class);
            HealthCheck check = container.all(HealthCheck.class, Readiness.Literal.INSTANCE).get(0);
            assertThat(check.call().getData().orElseThrow()).containsEntry("breaker", "CLOSED");
            redis.kill();
            for (int i = 0; i < 10; i++) {
                guarded.wide();
            }

            HealthCheckResponse response = check.call();
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(response.getData().orElseThrow()).containsEntry("breaker", "OPEN")
                    .containsEntry("failure-modes", "serving").containsKey("error");
        }
    }

    @Test
    void readinessIsDownDuringTheOutageWhenEveryGuardedMethodRefuses() {
        try (RedisProcess redis = RedisProcess.start(); var container = start(redis, "PT10S", RefusingOnly.class)) {
            redis.kill();
            HealthCheckResponse response = container.all(HealthCheck.class, Readiness.Literal.INSTANCE).get(0).call();
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow()).containsEntry("failure-modes", "refusing");
        }
    }

    @Test
    void theFailureModeIsOverriddenThroughConfiguration() {
        try (RedisProcess redis = RedisProcess.start()) {
            System.setProperty(Guarded.class.getName() + "/local/RateLimit/failureMode", "reject");
            System.setProperty("tollgate.idempotency.failureMode", "EXECUTE");
            try (var container = start(redis, "PT10S", Guarded.class)) {
                Guarded guarded = container.bean(Guarded.class);
                redis.kill();
                assertThatThrownBy(guarded::local).isInstanceOf(BackendUnavailableException.class);
                guarded.wide(); // the other methods keep their mode
                assertThat(guarded.pay("p")).isEqualTo("paid p");
            } finally {
                System.clearProperty(Guarded.class.getName() + "/local/RateLimit/failureMode");
                System.clearProperty("tollgate.idempotency.failureMode");
            }
        }
    }

    /**
     * Calls {@code call} until the breaker is closed again: it changes state only when called. A bounded poll, not
     * a timing assertion.
     */
    private static void awaitClosed(TollgateContainer container, Runnable call) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            assertThat(System.nanoTime()).as("the breaker closes within 30 s of Redis's return").isLessThan(deadline);
            sleep(100);
            call.run();
        } while (state(container) != BackendCircuit.CLOSED);
    }

    private static int state(TollgateContainer container) {
        return container.bean(BackendReadiness.class).circuit().state();
    }

    private static double breakerGauge() {
        return Registry.registry.find("tollgate.backend.breaker.state").tag("backend", "redis").gauge().value();
    }

    private static double count(String name, String tag, String value) {
        var counter = Registry.registry.find(name).tag(tag, value).counter();
        return counter == null ? -1 : counter.count();
    }

    /** What {@link #callAtOnce} saw. */
    private record Outcomes(int permitted, int refused, int unavailable, List<Throwable> other) {
    }

    /** {@link #CALLERS} threads call at once; counts permitted calls, 429-style refusals and 503-style ones. */
    private static Outcomes callAtOnce(Runnable call) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(CALLERS);
        ExecutorService executor = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                results.add(executor.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    try {
                        call.run();
                        return "permitted";
                    } catch (RuntimeException e) {
                        return e;
                    }
                }));
            }
            int permitted = 0;
            int refused = 0;
            int unavailable = 0;
            List<Throwable> other = new ArrayList<>();
            for (Future<Object> result : results) {
                Object outcome = result.get(60, TimeUnit.SECONDS);
                if ("permitted".equals(outcome)) {
                    permitted++;
                } else if (outcome instanceof RateLimitExceededException) {
                    refused++;
                } else if (outcome instanceof BackendUnavailableException) {
                    unavailable++;
                } else {
                    other.add((Throwable) outcome);
                }
            }
            return new Outcomes(permitted, refused, unavailable, other);
        } finally {
            executor.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
