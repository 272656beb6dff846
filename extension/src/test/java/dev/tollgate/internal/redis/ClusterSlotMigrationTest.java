package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.idempotency.ClaimOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisClusterProcesses;
import dev.tollgate.testing.RedisClusterProcesses.Node;
import dev.tollgate.testing.RedisInspector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slot moves from one master to another while many threads decide limits of partitions in that slot: Redisson
 * meets {@code ASK} (a key already moved), {@code TRYAGAIN} (a script whose keys are split between the two masters)
 * and, once the slot is handed over, {@code MOVED}. Counted per limit: what was admitted never exceeds the limit, and
 * every permit was taken (admitted, or by a decision that failed: the limit is exhausted exactly once). A fixed
 * window's counter is a key the script derives; before {@link RateLimitScript#clusterKeys} declared it, this test
 * saw the new master start a second counter and the {@code MIGRATE} of the first fail with {@code BUSYKEY}.
 * Idempotency keys of the same slot are claimed meanwhile: none is claimed twice.
 */
class ClusterSlotMigrationTest {

    private static final int THREADS = 24;
    private static final int PARTITIONS = 4;
    private static final long LIMIT = 400;
    /** Windows that never end during the test, so that exactly LIMIT permits exist per limit. */
    private static final long WINDOW = LimitPolicy.MAX_WINDOW_MILLIS;

    private static RedisClusterProcesses cluster;
    private static Path clientDir;
    private static RedisRateLimitBackend backend;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void start() {
        cluster = RedisClusterProcesses.start(RedisBinary.EMBEDDED_6_2, 0, 5000);
        clientDir = ClusterConnections.newDirectory();
        RedisSettings settings = ClusterConnections.settings(cluster, clientDir);
        backend = RedisRateLimitBackend.connect(settings);
        store = new RedisIdempotencyStore(backend.client(), false, settings.keyPrefix(), settings.operationTimeout());
    }

    @AfterAll
    static void stop() {
        ClusterConnections.stop(null, backend, cluster, clientDir);
    }

    /** {@code count} partitions whose hash tags all fall in the slot of the first. */
    static List<String> partitionsInOneSlot(String prefix, int count) {
        return inSlot(prefix, RedisRateLimitBackend.slot(prefix + 0), count);
    }

    /** {@code count} strings starting with {@code prefix} whose slot, as hash tags, is {@code slot}. */
    static List<String> inSlot(String prefix, int slot, int count) {
        List<String> found = new ArrayList<>();
        for (int i = 0; found.size() < count; i++) {
            if (RedisRateLimitBackend.slot(prefix + i) == slot) {
                found.add(prefix + i);
            }
        }
        return found;
    }

    private static LimitPolicy policy(Algorithm algorithm) {
        return switch (algorithm) {
            case TOKEN_BUCKET -> LimitPolicy.tokenBucket(LIMIT, WINDOW, LIMIT);
            case GCRA -> LimitPolicy.gcra(LIMIT, WINDOW, LIMIT);
            default -> LimitPolicy.window(algorithm, LIMIT, WINDOW);
        };
    }

    @Test
    void noLimitAdmitsMoreThanItsPermitsWhileItsSlotMoves() throws Exception {
        List<String> partitions = partitionsInOneSlot("migrating-", PARTITIONS);
        int slot = RedisRateLimitBackend.slot(partitions.get(0));
        Node source = cluster.initialOwnerOf(slot);
        Node target = cluster.masters().get((cluster.masters().indexOf(source) + 1) % RedisClusterProcesses.MASTERS);
        List<Algorithm> algorithms = List.of(Algorithm.FIXED_WINDOW, Algorithm.SLIDING_WINDOW,
                Algorithm.TOKEN_BUCKET, Algorithm.GCRA);
        List<LimitRequest> limits = new ArrayList<>();
        for (String partition : partitions) {
            for (Algorithm algorithm : algorithms) {
                limits.add(new LimitRequest("migration-" + algorithm, partition, policy(algorithm), 1));
            }
        }
        Map<LimitRequest, LongAdder> admitted = new ConcurrentHashMap<>();
        Map<LimitRequest, LongAdder> failedOn = new ConcurrentHashMap<>();
        limits.forEach(limit -> admitted.put(limit, new LongAdder()));
        limits.forEach(limit -> failedOn.put(limit, new LongAdder()));
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        LongAdder decisions = new LongAdder();
        AtomicBoolean migrated = new AtomicBoolean();
        AtomicLong migratedAt = new AtomicLong();
        AtomicLong lastFailure = new AtomicLong();
        Map<String, Long> errorsBefore = ClusterConnections.errorReplies(cluster);
        // Idempotency keys in the same slot, a new one every 50 ms, each claimed by whichever threads come by.
        List<String> idempotencyKeys = inSlot("migrating-claim-", slot, 500);
        Map<String, LongAdder> claimed = new ConcurrentHashMap<>();
        LongAdder claims = new LongAdder();
        LongAdder claimsFailed = new LongAdder();
        LongAdder claimsWhileMigrating = new LongAdder();
        AtomicBoolean migrating = new AtomicBoolean();

        for (LimitRequest limit : limits) {
            // connects the client (lazily, on the first command) and caches the script on the source
            assertThat(backend.peek(List.of(limit)).permitted()).isTrue();
        }
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        long started = System.nanoTime();
        long giveUpAt = started + TimeUnit.SECONDS.toNanos(45);
        long migrationStarted;
        long migrationEnded;
        int moved = 0;
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                running.add(threads.submit(() -> {
                    // Until the slot has moved and every limit is spent, and at least 1 s on the new master.
                    long stopAt = Long.MAX_VALUE;
                    while (System.nanoTime() < stopAt) {
                        if (ThreadLocalRandom.current().nextInt(4) == 0) {
                            int index = (int) Math.min(millis(System.nanoTime() - started) / 50,
                                    idempotencyKeys.size() - 1);
                            String key = idempotencyKeys.get(index);
                            try {
                                if (store.claim(key, "fp", UUID.randomUUID().toString(), 60_000).state()
                                        == ClaimOutcome.State.CLAIMED) {
                                    claimed.computeIfAbsent(key, k -> new LongAdder()).increment();
                                }
                                if (migrating.get()) {
                                    claimsWhileMigrating.increment();
                                }
                            } catch (RuntimeException e) {
                                claimsFailed.increment();
                            }
                            claims.increment();
                            continue;
                        }
                        LimitRequest limit = limits.get(ThreadLocalRandom.current().nextInt(limits.size()));
                        try {
                            if (backend.acquire(List.of(limit)).permitted()) {
                                admitted.get(limit).increment();
                            }
                        } catch (RuntimeException e) {
                            Throwable cause = e.getCause() != null ? e.getCause() : e;
                            failures.computeIfAbsent(cause.getClass().getSimpleName() + ": "
                                    + String.valueOf(cause.getMessage()).split("\\. |\n")[0], k -> new LongAdder())
                                    .increment();
                            failedOn.get(limit).increment();
                            lastFailure.set(System.nanoTime());
                        }
                        decisions.increment();
                        if (stopAt == Long.MAX_VALUE && migrated.get() && limits.stream().allMatch(l ->
                                admitted.get(l).sum() + failedOn.get(l).sum() >= LIMIT)) {
                            stopAt = Math.max(System.nanoTime(), migratedAt.get() + TimeUnit.SECONDS.toNanos(1));
                        }
                        if (System.nanoTime() > giveUpAt) {
                            break;
                        }
                    }
                    return null;
                }));
            }
            // Under way on the source: a quarter of the permits taken.
            long quarter = LIMIT * limits.size() / 4;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (admitted.values().stream().mapToLong(LongAdder::sum).sum() < quarter) {
                assertThat(System.nanoTime()).as("a quarter of the permits taken in time").isLessThan(deadline);
                Thread.sleep(10);
            }
            migrationStarted = System.nanoTime();
            RedisClusterProcesses.beginMigration(slot, source, target);
            migrating.set(true);
            Thread.sleep(300); // every key still on the source: ASK only for keys not there
            for (int step; (step = RedisClusterProcesses.moveKeys(slot, source, target, 10)) > 0; ) {
                moved += step;
                Thread.sleep(100); // keys split between the two: TRYAGAIN for scripts that need both
            }
            Thread.sleep(200);
            cluster.endMigration(slot, source, target);
            migrating.set(false);
            migrationEnded = System.nanoTime();
            migratedAt.set(migrationEnded);
            migrated.set(true);
            for (Future<?> thread : running) {
                thread.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        long ended = System.nanoTime();

        Map<String, Long> errorsAfter = ClusterConnections.errorReplies(cluster);
        Map<String, Long> replies = new TreeMap<>();
        errorsAfter.forEach((code, count) -> replies.put(code, count - errorsBefore.getOrDefault(code, 0L)));
        System.out.printf("Slot migration: slot %d from port %d to %d, %d keys moved in %d ms; %d decisions by %d"
                        + " threads in %d ms; failed decisions %s (last %d ms after the migration ended);"
                        + " error replies of the servers %s%n",
                slot, source.port(), target.port(), moved, millis(migrationEnded - migrationStarted),
                decisions.sum(), THREADS, millis(ended - started), failures, lastFailure.get() == 0 ? -1
                        : millis(lastFailure.get() - migrationEnded), replies);
        for (LimitRequest limit : limits) {
            System.out.printf("  %s %s: admitted %d of %d, %d decisions failed%n", limit.policy().algorithm(),
                    limit.partition(), admitted.get(limit).sum(), LIMIT, failedOn.get(limit).sum());
        }

        System.out.printf("  idempotency: %d claims (%d while the slot moved, %d failed) on %d keys of the slot,"
                + " claimed at most %d times per key%n", claims.sum(), claimsWhileMigrating.sum(), claimsFailed.sum(),
                claimed.size(), claimed.values().stream().mapToLong(LongAdder::sum).max().orElse(0));

        assertThat(cluster.ownerOf(slot, source)).isEqualTo(target);
        assertThat(claimsWhileMigrating.sum()).as("keys were claimed while the slot moved").isPositive();
        assertThat(claimed).as("every key claimed").isNotEmpty();
        claimed.forEach((key, count) -> assertThat(count.sum()).as("claims of %s won", key).isEqualTo(1));
        try (RedisInspector inspector = source.inspector()) {
            assertThat(inspector.call("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))).isEqualTo(0L);
        }
        for (LimitRequest limit : limits) {
            // A failed decision may or may not have been made on the server (a timeout after the script ran), so
            // each may have taken one permit that nobody was told of; none may have added any.
            assertThat(admitted.get(limit).sum())
                    .as("%s %s: admitted", limit.policy().algorithm(), limit.partition())
                    .isLessThanOrEqualTo(LIMIT)
                    .isGreaterThanOrEqualTo(LIMIT - failedOn.get(limit).sum());
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
