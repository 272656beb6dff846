package dev.tollgate.internal.cdi;

import dev.tollgate.IdempotencyConflictException;
import dev.tollgate.IdempotencyKey;
import dev.tollgate.IdempotencyKeyMismatchException;
import dev.tollgate.Idempotent;
import dev.tollgate.testing.RedisProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.security.Principal;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code @Idempotent} on CDI beans in a real CDI container (Weld SE), in memory and on a real Redis. */
class IdempotentInterceptorTest {

    /** A JSON-B friendly value with a generic container around it. */
    public static class Payment {
        public String id;
        public BigDecimal amount;

        public Payment() {
        }

        Payment(String id, BigDecimal amount) {
            this.id = id;
            this.amount = amount;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Payment p && Objects.equals(id, p.id) && amount.compareTo(p.amount) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(id);
        }
    }

    public static class PaymentDeclined extends RuntimeException {
        public PaymentDeclined(String message) {
            super(message);
        }
    }

    @ApplicationScoped
    public static class Payments {
        final AtomicInteger runs = new AtomicInteger();
        volatile CountDownLatch hold = new CountDownLatch(0);

        // Tests reach the bean through its client proxy, whose own fields are not the bean's: hence accessors.
        int runs() {
            return runs.get();
        }

        CountDownLatch hold(int count) {
            hold = new CountDownLatch(count);
            return hold;
        }

        @Idempotent
        public List<Payment> pay(@IdempotencyKey String key, String account, BigDecimal amount) {
            runs.incrementAndGet();
            return List.of(new Payment(account + "-" + runs.get(), amount), new Payment("fee", BigDecimal.ONE));
        }

        @Idempotent
        public int send(String chat, String text) {
            return runs.incrementAndGet();
        }

        @Idempotent
        public String failing(@IdempotencyKey String key) {
            runs.incrementAndGet();
            throw new IllegalStateException("down");
        }

        @Idempotent(storeFailures = PaymentDeclined.class)
        public String declining(@IdempotencyKey String key) {
            throw new PaymentDeclined("declined #" + runs.incrementAndGet());
        }

        @Idempotent
        public String slow(@IdempotencyKey String key) throws InterruptedException {
            runs.incrementAndGet();
            hold.await(10, TimeUnit.SECONDS);
            return "done " + key;
        }

        @Idempotent(maxWait = 10, maxWaitUnit = ChronoUnit.SECONDS)
        public String patient(@IdempotencyKey String key) throws InterruptedException {
            runs.incrementAndGet();
            hold.await(10, TimeUnit.SECONDS);
            return "done " + key;
        }

        @Idempotent
        public void record(@IdempotencyKey String key) {
            runs.incrementAndGet();
        }
    }

    /**
     * The caller, as Jakarta Security would report it outside an HTTP request: a test double, since Weld SE has no
     * security runtime.
     */
    @ApplicationScoped
    public static class Callers implements SecurityContext {
        static volatile String current;

        @Override
        public Principal getCallerPrincipal() {
            String name = current;
            return name == null ? null : () -> name;
        }

        @Override
        public <T extends Principal> Set<T> getPrincipalsByType(Class<T> type) {
            return Set.of();
        }

        @Override
        public boolean isCallerInRole(String role) {
            return false;
        }

        @Override
        public boolean hasAccessToWebResource(String resource, String... methods) {
            return false;
        }

        @Override
        public AuthenticationStatus authenticate(HttpServletRequest request, HttpServletResponse response,
                                                 AuthenticationParameters parameters) {
            throw new UnsupportedOperationException();
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

    @Test
    void aRepeatedKeyReturnsTheFirstResultAsTheGenericReturnType() {
        try (var container = TollgateContainer.start(Map.of(), Payments.class)) {
            Payments payments = container.bean(Payments.class);

            List<Payment> first = payments.pay("k1", "acct", new BigDecimal("12.50"));
            List<Payment> again = payments.pay("k1", "acct", new BigDecimal("12.50"));

            assertThat(payments.runs()).isEqualTo(1);
            assertThat(again).isEqualTo(first).allSatisfy(p -> assertThat(p).isInstanceOf(Payment.class));
            assertThat(payments.pay("k2", "acct", new BigDecimal("12.50"))).isNotEqualTo(first);
            assertThat(payments.runs()).isEqualTo(2);
        }
    }

    @Test
    void theSameKeyWithOtherArgumentsIsAMismatchAndRunsNothing() {
        try (var container = TollgateContainer.start(Map.of(), Payments.class)) {
            Payments payments = container.bean(Payments.class);
            payments.pay("k1", "acct", BigDecimal.TEN);

            assertThatThrownBy(() -> payments.pay("k1", "acct", BigDecimal.ONE))
                    .isInstanceOf(IdempotencyKeyMismatchException.class)
                    .hasMessageContaining(Payments.class.getName() + "/pay");
            assertThat(payments.runs()).isEqualTo(1);
        }
    }

    @Test
    void withoutAKeyParameterTheArgumentsAreTheKey() {
        try (var container = TollgateContainer.start(Map.of(), Payments.class)) {
            Payments payments = container.bean(Payments.class);

            int first = payments.send("chat-1", "hello");
            assertThat(payments.send("chat-1", "hello")).isEqualTo(first);
            assertThat(payments.send("chat-1", "hello again")).isNotEqualTo(first);
            assertThat(payments.runs()).isEqualTo(2);
        }
    }

    @Test
    void aFailureReleasesTheKeySoARetryRuns() {
        try (var container = TollgateContainer.start(Map.of(), Payments.class)) {
            Payments payments = container.bean(Payments.class);

            assertThatThrownBy(() -> payments.failing("k")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> payments.failing("k")).isInstanceOf(IllegalStateException.class);
            assertThat(payments.runs()).isEqualTo(2);
        }
    }

    @Test
    void aStoredFailureIsThrownAgainWithoutRunning() {
        try (var container = TollgateContainer.start(Map.of(), Payments.class)) {
            Payments payments = container.bean(Payments.class);

            assertThatThrownBy(() -> payments.declining("k")).isInstanceOf(PaymentDeclined.class)
                    .hasMessage("declined #1");
            assertThatThrownBy(() -> payments.declining("k")).isInstanceOf(PaymentDeclined.class)
                    .hasMessage("declined #1");
            assertThat(payments.runs()).isEqualTo(1);
        }
    }

    @Test
    void configurationOverridesTheAnnotation() {
        String method = Payments.class.getName() + "/record/Idempotent/enabled";
        try (var container = TollgateContainer.start(Map.of(method, "false"), Payments.class)) {
            Payments payments = container.bean(Payments.class);
            payments.record("k");
            payments.record("k");
            assertThat(payments.runs()).as("disabled through " + method).isEqualTo(2);
        }
        try (var container = TollgateContainer.start(Map.of("tollgate.idempotency.maxWait", "5",
                Payments.class.getName() + "/Idempotent/maxWaitUnit", "SECONDS"), Payments.class)) {
            Payments payments = container.bean(Payments.class);
            CountDownLatch hold = payments.hold(1);
            ExecutorService executor = Executors.newFixedThreadPool(2);
            try {
                Future<String> first = executor.submit(() -> payments.slow("waits"));
                awaitRuns(payments, 1);
                Future<String> second = executor.submit(() -> payments.slow("waits"));
                Thread.sleep(200);
                hold.countDown();
                // slow() has no maxWait of its own: the global and class-level overrides make the duplicate wait
                assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(first.get(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                hold.countDown();
                executor.shutdownNow();
            }
        }
    }

    @Test
    void voidMethodsRunOnce() {
        try (var container = TollgateContainer.start(Map.of(), Payments.class)) {
            Payments payments = container.bean(Payments.class);
            payments.record("k");
            payments.record("k");
            assertThat(payments.runs()).isEqualTo(1);
        }
    }

    @Test
    void aNullKeyIsRefusedBeforeTheMethodRuns() {
        try (var container = TollgateContainer.start(Map.of(), Payments.class)) {
            Payments payments = container.bean(Payments.class);
            assertThatThrownBy(() -> payments.record(" ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("@IdempotencyKey");
            assertThat(payments.runs()).isEqualTo(0);
        }
    }

    @Test
    void aDuplicateOfARunningCallIsAConflict() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Payments.class)) {
            Payments payments = container.bean(Payments.class);
            CountDownLatch hold = payments.hold(1);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                Future<String> first = executor.submit(() -> payments.slow("k"));
                awaitRuns(payments, 1);

                assertThatThrownBy(() -> payments.slow("k")).isInstanceOf(IdempotencyConflictException.class)
                        .satisfies(e -> assertThat(((IdempotencyConflictException) e).retryAfter())
                                .isPositive());
                hold.countDown();
                assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done k");
                assertThat(payments.slow("k")).isEqualTo("done k");
                assertThat(payments.runs()).isEqualTo(1);
            } finally {
                executor.shutdownNow();
            }
        }
    }

    @Test
    void theLeaseIsRenewedWhileTheCallRunsSoALongCallIsNeverRunTwice() throws Exception {
        // A 300 ms lease and a call held for 2 s: without renewal the key would be free after 300 ms.
        try (var container = TollgateContainer.start(Map.of("tollgate.idempotency.lease", "300"), Payments.class)) {
            Payments payments = container.bean(Payments.class);
            CountDownLatch hold = payments.hold(1);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                Future<String> first = executor.submit(() -> payments.slow("long"));
                awaitRuns(payments, 1);
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000);
                int conflicts = 0;
                while (System.nanoTime() < end) {
                    assertThatThrownBy(() -> payments.slow("long")).isInstanceOf(IdempotencyConflictException.class);
                    conflicts++;
                    Thread.sleep(100);
                }
                hold.countDown();
                assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done long");
                assertThat(conflicts).isGreaterThan(5);
                assertThat(payments.runs()).isEqualTo(1);
            } finally {
                hold.countDown();
                executor.shutdownNow();
            }
        }
    }

    @Test
    void aDuplicateMayWaitForTheRunningCallAndGetsItsResult() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Payments.class)) {
            Payments payments = container.bean(Payments.class);
            CountDownLatch hold = payments.hold(1);
            ExecutorService executor = Executors.newFixedThreadPool(2);
            try {
                Future<String> first = executor.submit(() -> payments.patient("k"));
                awaitRuns(payments, 1);
                Future<String> second = executor.submit(() -> payments.patient("k"));
                Thread.sleep(200);
                hold.countDown();

                assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done k");
                assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("done k");
                assertThat(payments.runs()).isEqualTo(1);
            } finally {
                executor.shutdownNow();
            }
        }
    }

    @Test
    void keysAreScopedByCallerPrincipal() {
        try (var container = TollgateContainer.start(Map.of(), Payments.class, Callers.class)) {
            Payments payments = container.bean(Payments.class);
            try {
                Callers.current = "alice";
                List<Payment> alices = payments.pay("shared-key", "acct", BigDecimal.TEN);
                Callers.current = "bob";
                List<Payment> bobs = payments.pay("shared-key", "acct", BigDecimal.TEN);

                assertThat(payments.runs()).as("bob's call ran, rather than receiving alice's result").isEqualTo(2);
                assertThat(bobs).isNotEqualTo(alices);
                Callers.current = "alice";
                assertThat(payments.pay("shared-key", "acct", BigDecimal.TEN)).isEqualTo(alices);
                assertThat(payments.runs()).isEqualTo(2);
            } finally {
                Callers.current = null;
            }
        }
    }

    @Test
    void keysAreCountedByResult() {
        try (var container = TollgateContainer.start(Map.of(), Payments.class, Registry.class)) {
            Payments payments = container.bean(Payments.class);
            String scope = Payments.class.getName() + "/record";
            double before = count(scope, "executed");
            double replayedBefore = count(scope, "replayed");
            double invalidBefore = count(scope, "invalid");

            payments.record("counted-" + System.nanoTime());
            String key = "counted-again-" + System.nanoTime();
            payments.record(key);
            payments.record(key);
            assertThatThrownBy(() -> payments.record(null)).isInstanceOf(IllegalArgumentException.class);

            assertThat(count(scope, "executed") - before).isEqualTo(2);
            assertThat(count(scope, "replayed") - replayedBefore).isEqualTo(1);
            assertThat(count(scope, "invalid") - invalidBefore).isEqualTo(1);
            assertThat(Registry.REGISTRY.find("tollgate.idempotency.calls.total").tag("method", scope)
                    .tag("result", "conflict").counter()).isNotNull();
        }
    }

    @RepeatedTest(3)
    void manySimultaneousCallersWithOneKeyRunTheMethodOnceOnRedis() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             var container = TollgateContainer.start(Map.of("tollgate.redis.address", redis.address()),
                     Payments.class)) {
            Payments payments = container.bean(Payments.class);
            payments.pay("warm-up", "acct", BigDecimal.ONE);
            int callers = 64;
            CyclicBarrier barrier = new CyclicBarrier(callers);
            ExecutorService executor = Executors.newFixedThreadPool(callers);
            try {
                List<Future<Object>> results = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    results.add(executor.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        try {
                            return payments.pay("same", "acct", BigDecimal.TEN);
                        } catch (IdempotencyConflictException e) {
                            return e;
                        }
                    }));
                }
                int conflicts = 0;
                List<Object> values = new ArrayList<>();
                for (Future<Object> result : results) {
                    Object value = result.get(30, TimeUnit.SECONDS);
                    if (value instanceof IdempotencyConflictException) {
                        conflicts++;
                    } else {
                        values.add(value);
                    }
                }
                assertThat(payments.runs()).isEqualTo(2); // the warm-up and exactly one of the callers
                assertThat(values).hasSize(callers - conflicts).containsOnly(values.get(0));
                assertThat(payments.pay("same", "acct", BigDecimal.TEN)).isEqualTo(values.get(0));
            } finally {
                executor.shutdownNow();
            }
        }
    }

    private static double count(String scope, String result) {
        var counter = Registry.REGISTRY.find("tollgate.idempotency.calls.total").tag("method", scope)
                .tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void awaitRuns(Payments payments, int runs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (payments.runs() < runs && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(payments.runs()).isEqualTo(runs);
    }
}
