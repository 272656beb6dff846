package dev.tollgate.internal.cdi;

import dev.tollgate.IdempotencyKey;
import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisClusterProcesses;
import dev.tollgate.testing.RedisServerProcess;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both guards in a real CDI container (Weld SE) on a real Redis Cluster (three masters, one replica each, connected
 * through the example {@code cluster.yaml}); a master is killed ({@code SIGKILL}) while many threads call a method
 * limited per caller, callers spread over every master. With the default failure mode {@code LOCAL}, no call fails
 * but with a refusal while the replica takes over; the decisions go back to Redis afterwards; and
 * {@code @Idempotent} runs once per key on the cluster before and after the failover.
 */
class RedisClusterFailoverTest {

    private static final int THREADS = 16;
    private static final int USERS = 60;

    @ApplicationScoped
    public static class Guarded {
        private final AtomicInteger payments = new AtomicInteger();

        int payments() {
            return payments.get();
        }

        @RateLimit(name = "cluster-failover", limit = 1_000_000, window = 1, windowUnit = ChronoUnit.HOURS,
                key = "param:user")
        public void call(String user) {
        }

        @Idempotent
        public String pay(@IdempotencyKey String key) {
            payments.incrementAndGet();
            return "paid " + key;
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

    private static double fallbacks() {
        Counter counter = Registry.registry.find("tollgate.ratelimit.fallbacks.total").tag("mode", "local").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void withLocalNoCallFailsWhileAMasterIsReplacedAndDecisionsGoBackToRedis() throws Exception {
        Path dir = RedisServerProcess.newDirectory("cluster-client");
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start(RedisBinary.EMBEDDED_6_2, 1, 1500)) {
            Registry.registry = new SimpleMeterRegistry();
            Map<String, String> config = new HashMap<>();
            config.put("tollgate.redis.config-file", cluster.writeRedissonConfig(
                    Path.of("..", "server-config", "redisson", "cluster.yaml").toAbsolutePath().normalize(), dir)
                    .toString());
            try (var container = TollgateContainer.start(config, Guarded.class, Registry.class)) {
                Guarded guarded = container.bean(Guarded.class);
                assertThat(guarded.pay("before")).isEqualTo("paid before");
                assertThat(guarded.pay("before")).isEqualTo("paid before");
                assertThat(guarded.payments()).as("replayed from the cluster").isEqualTo(1);

                LongAdder permitted = new LongAdder();
                LongAdder refused = new LongAdder();
                Map<String, LongAdder> errors = new ConcurrentHashMap<>();
                AtomicLong killedAt = new AtomicLong();
                AtomicLong lastFallbackChange = new AtomicLong(System.nanoTime());
                long started = System.nanoTime();
                long deadline = started + TimeUnit.SECONDS.toNanos(40);
                long promoted = 0;
                double fallbacksAtKill;
                ExecutorService threads = Executors.newFixedThreadPool(THREADS);
                try {
                    List<Future<?>> running = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        running.add(threads.submit(() -> {
                            while (System.nanoTime() < deadline && !(killedAt.get() != 0
                                    && System.nanoTime() - lastFallbackChange.get() > TimeUnit.SECONDS.toNanos(3))) {
                                try {
                                    guarded.call("user-" + ThreadLocalRandom.current().nextInt(USERS));
                                    permitted.increment();
                                } catch (RateLimitExceededException e) {
                                    refused.increment();
                                } catch (RuntimeException e) {
                                    errors.computeIfAbsent(e.toString(), k -> new LongAdder()).increment();
                                }
                            }
                            return null;
                        }));
                    }
                    Thread.sleep(1000);
                    fallbacksAtKill = fallbacks();
                    killedAt.set(System.nanoTime());
                    cluster.masters().get(0).process().kill();
                    double seen = fallbacksAtKill;
                    while (running.stream().anyMatch(f -> !f.isDone())) {
                        if (promoted == 0 && isMaster(cluster.replicas().get(0))) {
                            promoted = System.nanoTime();
                        }
                        double now = fallbacks();
                        if (now != seen) {
                            seen = now;
                            lastFallbackChange.set(System.nanoTime());
                        }
                        Thread.sleep(20);
                    }
                    for (Future<?> thread : running) {
                        thread.get(10, TimeUnit.SECONDS);
                    }
                } finally {
                    threads.shutdownNow();
                }
                long killed = killedAt.get();
                System.out.printf("Cluster failover behind the interceptor (LOCAL): %d calls by %d threads,"
                                + " %d permitted, %d refused, errors %s; replica promoted %d ms after the kill;"
                                + " %.0f calls decided locally (%.0f before the kill), the last %d ms after the"
                                + " kill%n", permitted.sum() + refused.sum(), THREADS, permitted.sum(), refused.sum(),
                        errors, promoted == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(promoted - killed), fallbacks(),
                        fallbacksAtKill, TimeUnit.NANOSECONDS.toMillis(lastFallbackChange.get() - killed));

                assertThat(errors).as("no call fails but with a refusal").isEmpty();
                assertThat(fallbacks()).as("the outage was met, and decided locally").isGreaterThan(fallbacksAtKill);
                assertThat(System.nanoTime()).as("decisions went back to Redis within the bound").isLessThan(deadline);
                assertThat(promoted).as("the replica was promoted").isPositive();

                double before = fallbacks();
                for (int i = 0; i < USERS; i++) {
                    guarded.call("user-" + i);
                }
                assertThat(fallbacks()).as("every caller, on every master, decided by Redis again").isEqualTo(before);
                assertThat(guarded.pay("after")).isEqualTo("paid after");
                assertThat(guarded.pay("after")).isEqualTo("paid after");
                assertThat(guarded.payments()).isEqualTo(2);
            }
        } finally {
            RedisServerProcess.deleteDirectory(dir);
        }
    }

    private static boolean isMaster(RedisClusterProcesses.Node node) {
        try {
            return "master".equals(((List<?>) node.call("ROLE")).get(0));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
