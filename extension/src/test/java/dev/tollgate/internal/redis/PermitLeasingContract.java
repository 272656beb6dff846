package dev.tollgate.internal.redis;

import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.resilience.BackendCircuit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Permit leasing against real Redis, whatever its topology: exact counts under many simultaneous callers,
 * all-or-nothing calls with leased and unleased limits, giving back, and the end of a lease. Subclasses say how to
 * connect and how to read a key from the node that holds it: one redis-server ({@link PermitLeasingTest}), a
 * three-master Cluster ({@link ClusterPermitLeasingTest}).
 */
abstract class PermitLeasingContract {

    static final long HOUR = 3_600_000;
    static final long DAY = 24 * HOUR;
    static final RateLimitKeys KEYS = new RateLimitKeys(RedisSettings.DEFAULT_KEY_PREFIX);

    final List<RedisRateLimitBackend> backends = new ArrayList<>();

    /** How a backend connects to the Redis under test. */
    protected abstract RedisSettings settings();

    /** Deletes every key, on every node. */
    protected abstract void flushAll();

    /** {@code GET key}, asked of the node that holds it. */
    protected abstract Object get(String key);

    /** Every key, on every node. */
    protected abstract List<String> allKeys();

    /** {@code PTTL key}, asked of the node that holds it. */
    protected abstract long pttl(String key);

    @BeforeEach
    void emptyServer() throws InterruptedException {
        flushAll();
        awayFromTheHour();
    }

    /**
     * The fixed windows here are an hour long and start on the hour (UTC), as every fixed window starts at a multiple
     * of its length: a test running across the hour would see its counts start again midway. A test starting in an
     * hour's last ten seconds waits for the next hour.
     */
    private static void awayFromTheHour() throws InterruptedException {
        long intoTheHour = System.currentTimeMillis() % HOUR;
        if (intoTheHour > HOUR - 10_000) {
            Thread.sleep(HOUR - intoTheHour + 50);
        }
    }

    @AfterEach
    void closeBackends() {
        backends.forEach(RedisRateLimitBackend::close);
    }

    /**
     * A backend whose connections are up and whose lease script the server has cached: its first call can take
     * hundreds of milliseconds, and a lease that arrives after its window ended is of no use.
     */
    RedisRateLimitBackend backend() {
        RedisRateLimitBackend backend = RedisRateLimitBackend.connect(settings());
        backends.add(backend);
        backend.acquire(List.of(leased("warm-up", LimitPolicy.tokenBucket(1000, DAY, 1000))));
        return backend;
    }

    /** A backend as {@link #backend()}, whose leases are counted in {@code metrics}. */
    RedisRateLimitBackend backend(GuardMetrics metrics) {
        RedisSettings settings = settings();
        RedisRateLimitBackend backend = new RedisRateLimitBackend(RedissonClients.create(settings), true,
                settings.keyPrefix(), settings.operationTimeout(), BackendCircuit.none(), metrics);
        backends.add(backend);
        backend.acquire(List.of(leased("warm-up", LimitPolicy.tokenBucket(1000, DAY, 1000))));
        return backend;
    }

    static LimitRequest leased(String limiter, LimitPolicy policy) {
        return new LimitRequest(limiter, "", policy, 1, null, true);
    }

    static LimitRequest unleased(LimitRequest request) {
        return new LimitRequest(request.limiter(), request.partition(), request.policy(), request.cost());
    }

    /** {@code threads} callers released at once, each asking {@code calls} times: how many were admitted. */
    private static long admitted(RedisRateLimitBackend backend, List<LimitRequest> limits, int threads, int calls)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong admitted = new AtomicLong();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < calls; i++) {
                    if (backend.acquire(limits).permitted()) {
                        admitted.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return admitted.get();
    }

    /** The count of a fixed window's counters in Redis (the current window's; the others have expired or are 0). */
    long windowCount(LimitRequest request) {
        long count = 0;
        for (String digit : List.of("0", "1", "2")) {
            Object value = get(KEYS.key(request) + digit);
            count += value == null ? 0 : Long.parseLong((String) value);
        }
        return count;
    }

    @Test
    void sixtyFourCallersGetExactlyTheFixedWindowsLimit() throws Exception {
        LimitRequest request = leased("fixed", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1000, HOUR));
        RedisRateLimitBackend backend = backend();
        assertThat(admitted(backend, List.of(request), 64, 50)).isEqualTo(1000);
        assertThat(windowCount(request)).isEqualTo(1000);
        RateLimitDecision after = backend.acquire(List.of(request));
        assertThat(after.permitted()).isFalse();
        assertThat(after.outcome(0).remaining()).isZero();
        assertThat(after.outcome(0).retryAfterMillis()).isBetween(1L, HOUR);
    }

    @Test
    void sixtyFourCallersGetExactlyTheBucketsBurst() throws Exception {
        // Refilled at 1,000 a day: at most one token comes back while the test runs.
        LimitRequest request = leased("bucket", LimitPolicy.tokenBucket(1000, DAY, 1000));
        assertThat(admitted(backend(), List.of(request), 64, 50)).isBetween(1000L, 1001L);
    }

    @Test
    void twoBackendsTogetherNeverExceedTheLimit() throws Exception {
        LimitRequest request = leased("shared", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1000, HOUR));
        RedisRateLimitBackend first = backend();
        RedisRateLimitBackend second = backend();
        ExecutorService both = Executors.newFixedThreadPool(2);
        Future<Long> one = both.submit(() -> admitted(first, List.of(request), 32, 50));
        Future<Long> two = both.submit(() -> admitted(second, List.of(request), 32, 50));
        long total = one.get(60, TimeUnit.SECONDS) + two.get(60, TimeUnit.SECONDS);
        both.shutdown();
        // Both spend what they leased (demand is 3.2 times the limit), so nothing is left over.
        assertThat(total).isEqualTo(1000);
        assertThat(windowCount(request)).isEqualTo(1000);
    }

    @Test
    void aLeaseTakesAShareOfWhatRemainsAndHeadersCountItsUnspentPermits() {
        LimitRequest request = leased("share", LimitPolicy.tokenBucket(1000, DAY, 1000));
        LimitOutcome outcome = backend().acquire(List.of(request)).outcome(0);
        // One instance takes remaining / 2: 500 consumed in Redis, 499 of them unspent here.
        assertThat(backend().peek(List.of(unleased(request))).outcome(0).remaining()).isEqualTo(500);
        assertThat(outcome.remaining()).isEqualTo(999);
        assertThat(outcome.resetMillis()).isBetween(1L, DAY);
        assertThat(outcome.nextMillis()).isBetween(1L, DAY);
        // A second instance counts as active: it takes what remains / (2 x 2).
        backend().acquire(List.of(request));
        assertThat(backend().peek(List.of(unleased(request))).outcome(0).remaining()).isEqualTo(375);
    }

    @Test
    void aFixedWindowsLeaseIsAlsoSizedByThePartOfTheWindowToCome() {
        LimitRequest request = leased("window", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1000, HOUR));
        LimitOutcome outcome = backend().acquire(List.of(request)).outcome(0);
        // At most remaining / 2 (less as the hour goes on), at least the call's cost.
        assertThat(windowCount(request)).isBetween(1L, 500L);
        assertThat(outcome.remaining()).isEqualTo(999);
    }

    @Test
    void leasesThePermitsTheyTookAndThePermitsGivenBackAreCountedPerLimiter() {
        LeaseCounts metrics = new LeaseCounts();
        RedisRateLimitBackend backend = backend(metrics);
        LimitRequest bucket = leased("countedBucket", LimitPolicy.tokenBucket(1000, DAY, 1000));
        for (int i = 0; i < 10; i++) {
            assertThat(backend.acquire(List.of(bucket)).permitted()).isTrue();
        }
        // One instance leases half of the bucket, and the 10 calls spend from that one lease.
        assertThat(metrics.leases).containsEntry("countedBucket", 1L);
        assertThat(metrics.leased).containsEntry("countedBucket", 500L);
        assertThat(metrics.returned).doesNotContainKey("countedBucket");
        // A refused lease (nothing left in Redis) leases nothing and is not counted.
        LimitRequest tiny = leased("countedTiny", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1, HOUR));
        assertThat(backend.acquire(List.of(tiny)).permitted()).isTrue();
        assertThat(backend.acquire(List.of(tiny)).permitted()).isFalse();
        assertThat(metrics.leases).containsEntry("countedTiny", 1L);
        assertThat(metrics.leased).containsEntry("countedTiny", 1L);
        backend.close();
        // Closing gives the 490 unspent permits back, and Redis takes them all (the bucket has room).
        assertThat(metrics.returned).containsEntry("countedBucket", 490L).doesNotContainKey("countedTiny");
    }

    /** Counts only what leasing records, by limiter. */
    private static final class LeaseCounts implements GuardMetrics {
        final Map<String, Long> leases = new ConcurrentHashMap<>();
        final Map<String, Long> leased = new ConcurrentHashMap<>();
        final Map<String, Long> returned = new ConcurrentHashMap<>();

        @Override
        public void recordLease(String limiter, long permits) {
            leases.merge(limiter, 1L, Long::sum);
            leased.merge(limiter, permits, Long::sum);
        }

        @Override
        public void recordReturnedPermits(String limiter, long permits) {
            returned.merge(limiter, permits, Long::sum);
        }

        @Override
        public void recordPersistentViolator(String limiter) {
        }

        @Override
        public void register(Collection<String> limiters) {
        }

        @Override
        public void record(String limiter, boolean permitted) {
        }

        @Override
        public void registerIdempotency(Collection<String> scopes) {
        }

        @Override
        public void recordIdempotency(String scope, String result) {
        }

        @Override
        public void registerBackend(String backend, IntSupplier breakerState) {
        }

        @Override
        public void recordBackendCall(long nanos, boolean failed) {
        }

        @Override
        public void recordFallback(RateLimit.FailureMode mode) {
        }

        @Override
        public void recordIdempotencyFallback(Idempotent.FailureMode mode) {
        }
    }

    @Test
    void closingGivesUnspentPermitsBack() {
        LimitRequest fixed = leased("fixedBack", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1000, HOUR));
        LimitRequest bucket = leased("bucketBack", LimitPolicy.tokenBucket(1000, DAY, 1000));
        RedisRateLimitBackend backend = backend();
        backend.acquire(List.of(fixed, bucket));
        assertThat(windowCount(fixed)).isBetween(1L, 500L);
        assertThat(backend().peek(List.of(unleased(bucket))).outcome(0).remaining()).isEqualTo(500);
        backend.close();
        assertThat(windowCount(fixed)).isEqualTo(1);
        assertThat(backend().peek(List.of(unleased(bucket))).outcome(0).remaining()).isEqualTo(999);
    }

    @Test
    void aRefusalByAnUnleasedLimitPutsTheLeasedPermitBack() {
        LimitRequest big = leased("big", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1000, HOUR));
        LimitRequest small = new LimitRequest("small", "", LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, HOUR), 1);
        RedisRateLimitBackend backend = backend();
        long admitted = 0;
        for (int i = 0; i < 20; i++) {
            RateLimitDecision decision = backend.acquire(List.of(big, small));
            if (decision.permitted()) {
                admitted++;
            } else {
                assertThat(decision.outcome(1).permitted()).isFalse();
            }
        }
        assertThat(admitted).isEqualTo(5);
        // What the instance knows of the leased limit: 5 spent, the rest unspent here or left in Redis.
        assertThat(backend.peek(List.of(big)).outcome(0).remaining()).isEqualTo(995);
        backend.close();
        assertThat(windowCount(big)).isEqualTo(5);
    }

    @Test
    void aPermitPutBackAfterARefillReplacedItsGrantIsNotLost() throws Exception {
        // A small limit's leases hold at most 3 permits here, so each call below leaves the grant low and starts a
        // refill ahead of need; the call is then refused by the other limit and puts its permit back, by which time
        // the refill may have replaced the grant it came from. The permit must reach the grant that holds the others.
        LimitRequest leasedLimit = leased("fewLeased", LimitPolicy.window(Algorithm.FIXED_WINDOW, 6, HOUR));
        LimitRequest refusing =
                new LimitRequest("refusing", "", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1, HOUR), 1);
        RedisRateLimitBackend backend = backend();
        assertThat(admitted(backend, List.of(leasedLimit, refusing), 1, 30)).isEqualTo(1);
        assertThat(backend.peek(List.of(leasedLimit)).outcome(0).remaining()).isEqualTo(5);
        backend.close();
        assertThat(windowCount(leasedLimit)).isEqualTo(1);
    }

    @Test
    void aRefusalByALeasedLimitTakesNothingFromTheOthers() {
        LimitRequest tiny = leased("tiny", LimitPolicy.window(Algorithm.FIXED_WINDOW, 2, HOUR));
        LimitRequest other = new LimitRequest("other", "", LimitPolicy.window(Algorithm.FIXED_WINDOW, 100, HOUR), 1);
        RedisRateLimitBackend backend = backend();
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            if (backend.acquire(List.of(tiny, other)).permitted()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(2);
        assertThat(windowCount(other)).isEqualTo(2);
    }

    @Test
    void aFixedWindowsLeaseEndsWithItsWindow() throws Exception {
        LimitRequest request = leased("short", LimitPolicy.window(Algorithm.FIXED_WINDOW, 100, 1000));
        RedisRateLimitBackend backend = backend();
        LimitOutcome first = backend.acquire(List.of(request)).outcome(0);
        assertThat(first.remaining()).isEqualTo(99);
        // Past the window's end, the 49 permits unspent here belong to a window that is over: they are not spent.
        Thread.sleep(first.resetMillis() + 20);
        LimitOutcome second = backend.acquire(List.of(request)).outcome(0);
        // The call took a permit of the new window, whose counter is all that is left (the old one expired with it).
        assertThat(windowCount(request)).isBetween(1L, 50L);
        assertThat(second.remaining()).isLessThanOrEqualTo(99);
    }

    @Test
    void anExpiredBucketLeaseIsGivenBack() throws Exception {
        LimitRequest request = leased("expiring", LimitPolicy.tokenBucket(1000, DAY, 1000));
        RedisRateLimitBackend backend = backend();
        RedisRateLimitBackend observer = backend();
        backend.acquire(List.of(request));
        Thread.sleep(PermitLeases.BUCKET_LEASE_MILLIS + 50);
        backend.acquire(List.of(request));
        // 1,000 - 500 (first lease) - 250 (second: half of what remained) + 499 (the first's unspent, given back).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long remaining;
        do {
            remaining = observer.peek(List.of(unleased(request))).outcome(0).remaining();
        } while (remaining != 749 && System.nanoTime() < deadline);
        assertThat(remaining).isEqualTo(749);
    }

    @Test
    void everyLeaseKeyHasATtl() {
        RedisRateLimitBackend backend = backend();
        backend.acquire(List.of(leased("ttlFixed", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1000, HOUR))));
        backend.acquire(List.of(leased("ttlBucket", LimitPolicy.tokenBucket(1000, DAY, 1000))));
        List<String> keys = allKeys();
        assertThat(keys).hasSize(6); // three states (the warm-up's too), three sets of lessees
        for (String key : keys) {
            assertThat(pttl(key)).as("PTTL of %s", key).isBetween(1L, DAY);
        }
    }
}
