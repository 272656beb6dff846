package dev.tollgate.internal.partition;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.PermitHolders;
import dev.tollgate.internal.redis.RedisRateLimitBackend;
import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller rotating a {@code header:} key's value through 200,000 values against a real Redis: the keys Tollgate
 * writes all carry a TTL (in every INFO sample taken during the flood), so Redis holds at most what those TTLs bound,
 * and once they have run out, the key count and {@code used_memory} are back to where they were. With a 2-second
 * window, a flood longer than the window never holds more than the partitions of about one window (a call takes one
 * permit of a window, or a whole bucket, so that every key's TTL is the window). The figures (keys and bytes before,
 * at the peak, right after, after expiry, and bytes per key at the peak) are printed, not asserted beyond what the
 * data itself bounds: this is not a benchmark.
 */
class RedisPartitionFloodTest {

    private static final int FLOOD = 200_000;
    private static final int THREADS = 64;
    private static final long WINDOW = 2_000;
    private static final long LIMIT = 5;

    private static RedisProcess redis;
    private static RedisRateLimitBackend backend;
    private static RedisInspector inspector;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        RedisSettings defaults = RedisSettings.forAddress(redis.address());
        // A long command timeout: this is about what is stored, and a flood on two cores may stall a batch a while.
        backend = RedisRateLimitBackend.connect(new RedisSettings(defaults.address(), defaults.configFile(),
                defaults.username(), defaults.password(), defaults.truststore(), defaults.truststorePassword(),
                defaults.truststoreType(), defaults.database(), Duration.ofSeconds(10), defaults.connectTimeout(), defaults.retryAttempts(),
                defaults.retryInterval(), defaults.keyPrefix()));
        inspector = redis.inspector();
        // Loads the script (its cache and Lua's memory belong in the baseline) and warms the client up.
        for (Algorithm algorithm : Algorithm.values()) {
            flood("warm-up", policy(algorithm), 2_000);
        }
        System.out.printf("Redis %s%n", infoString("server", "redis_version"));
    }

    @AfterAll
    static void stop() {
        inspector.close();
        backend.close();
        redis.close();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aFloodOfHeaderPartitionsLeavesNothingOnceItsTtlsRunOut(Algorithm algorithm) throws InterruptedException {
        inspector.call("FLUSHALL");
        settle();
        long keysBefore = dbSize();
        long bytesBefore = usedMemory();

        // While the flood runs, a second connection samples INFO (memory and keyspace in one reply) every 50 ms.
        Sampler sampler = new Sampler();
        Thread sampling = new Thread(sampler, "info-sampler");
        sampling.start();
        long started = System.nanoTime();
        long admitted;
        try {
            admitted = flood("flood", policy(algorithm), FLOOD);
        } finally {
            sampler.stop = true;
            sampling.join();
        }
        long floodMillis = (System.nanoTime() - started) / 1_000_000;
        Sample after = sample(inspector);
        Sample peak = sampler.peak.keys() >= after.keys() ? sampler.peak : after;

        // Every value is a partition of its own, so each one's first call is admitted.
        assertThat(admitted).isEqualTo(FLOOD);
        // One key per partition at most (expired ones may be gone already), and every key has a TTL, in every
        // sample taken during the flood and right after it.
        assertThat(sampler.samples).isPositive();
        assertThat(sampler.keysWithoutTtl).isZero();
        assertThat(after.expires()).isEqualTo(after.keys());
        assertThat(peak.keys()).isBetween(1L, (long) FLOOD);
        long bytesAfter = after.usedMemory();
        long keysAfter = after.keys();
        long bytesPerKey = (peak.usedMemory() - bytesBefore) / peak.keys();
        assertThat(bytesPerKey).isPositive();

        // Back to the baseline within 1 % of what the flood added or 64 KB, whichever is more: Redis's own
        // bookkeeping (client buffers, the keyspace's hash tables, which shrink in the background) moves a little.
        long slack = Math.max((peak.usedMemory() - bytesBefore) / 100, 64 * 1024);
        long waited = 0;
        while ((dbSize() > keysBefore || usedMemory() > bytesBefore + slack) && waited < 10 * WINDOW) {
            Thread.sleep(100);
            waited += 100;
        }
        long keysExpired = dbSize();
        long bytesExpired = usedMemory();
        System.out.printf("Redis, %s, %,d header partitions in %,d ms (window %d ms, %d samples): keys %,d -> peak "
                        + "%,d -> right after %,d -> %,d, used_memory %,d -> at the peak %,d -> right after %,d -> %,d "
                        + "bytes (%,d bytes per key at the peak; back %,d ms after the flood)%n",
                algorithm, FLOOD, floodMillis, WINDOW, sampler.samples, keysBefore, peak.keys(), keysAfter,
                keysExpired, bytesBefore, peak.usedMemory(), bytesAfter, bytesExpired, bytesPerKey, waited);

        assertThat(keysExpired).isEqualTo(keysBefore);
        assertThat(bytesExpired).isLessThanOrEqualTo(bytesBefore + slack);
    }

    /** One INFO reply: {@code used_memory}, and {@code db0}'s keys and keys with a TTL. */
    private record Sample(long usedMemory, long keys, long expires) {
    }

    private static Sample sample(RedisInspector connection) {
        String info = (String) connection.call("INFO");
        return new Sample(field(info, "used_memory"), keyspaceField(info, "keys"), keyspaceField(info, "expires"));
    }

    /** Samples INFO until told to stop, keeping the sample with the most keys. */
    private static final class Sampler implements Runnable {
        volatile boolean stop;
        volatile Sample peak = new Sample(0, 0, 0);
        volatile long keysWithoutTtl;
        volatile int samples;

        @Override
        public void run() {
            try (RedisInspector connection = redis.inspector()) {
                while (!stop) {
                    Sample sample = sample(connection);
                    samples++;
                    keysWithoutTtl = Math.max(keysWithoutTtl, sample.keys() - sample.expires());
                    if (sample.keys() > peak.keys()) {
                        peak = sample;
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static LimitPolicy policy(Algorithm algorithm) {
        return algorithm == Algorithm.TOKEN_BUCKET
                ? LimitPolicy.tokenBucket(LIMIT, WINDOW, LIMIT)
                : LimitPolicy.window(algorithm, LIMIT, WINDOW);
    }

    /**
     * What each call takes: one permit of a window, a whole bucket or GCRA burst (so that its key, whose TTL is the
     * time to refill what was taken, or to come back to rest, lives one window like the others' keys instead of a
     * fifth of it).
     */
    private static long cost(LimitPolicy policy) {
        return LimitPolicy.hasBurst(policy.algorithm()) ? policy.capacity() : 1;
    }

    /** {@code calls} decisions of limiter {@code limiter}, each on a partition of its own, from many threads. */
    private static long flood(String limiter, LimitPolicy policy, int calls) {
        AtomicLong admitted = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                done.add(threads.submit(() -> {
                    for (int i = first; i < calls; i += THREADS) {
                        String partition = PartitionHash.of(HeaderKey.SOURCE, "value-" + i);
                        LimitRequest request = new LimitRequest(limiter, partition, policy, cost(policy));
                        if (request.holds()) {
                            request = request.heldBy(PermitHolders.next()); // a call that never gives it back
                        }
                        if (backend.acquire(List.of(request)).permitted()) {
                            admitted.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> thread : done) {
                thread.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            threads.shutdownNow();
        }
        return admitted.get();
    }

    /** Lets the server finish what FLUSHALL left (lazy frees, dictionary shrinking) before the baseline. */
    private static void settle() throws InterruptedException {
        Thread.sleep(200);
    }

    private static long dbSize() {
        return (Long) inspector.call("DBSIZE");
    }

    private static long usedMemory() {
        return infoField("memory", "used_memory");
    }

    /**
     * A field of {@code db0} in an {@code INFO keyspace} reply ({@code keys}, {@code expires}); 0 when the database
     * is empty.
     */
    private static long keyspaceField(String info, String field) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith("db0:")) {
                for (String pair : line.substring(4).split(",")) {
                    if (pair.startsWith(field + "=")) {
                        return Long.parseLong(pair.substring(field.length() + 1));
                    }
                }
            }
        }
        return 0;
    }

    private static long infoField(String section, String field) {
        return Long.parseLong(infoString(section, field));
    }

    private static long field(String info, String field) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new IllegalStateException("no " + field + " in INFO");
    }

    private static String infoString(String section, String field) {
        for (String line : ((String) inspector.call("INFO", section)).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new IllegalStateException("no " + field + " in INFO " + section);
    }
}
