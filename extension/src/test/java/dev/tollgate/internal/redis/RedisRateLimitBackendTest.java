package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.PermitHolders;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** What only the Redis backend has to show: its keys, its round trips, and how it fails. */
class RedisRateLimitBackendTest {

    private static final long MINUTE = 60_000;
    /** The keys of {@code backend}, which uses the default prefix. */
    private static final RateLimitKeys KEYS = new RateLimitKeys(RedisSettings.DEFAULT_KEY_PREFIX);

    private static RedisProcess redis;
    private static RedisRateLimitBackend backend;
    private static RedisInspector inspector;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        backend = RedisRateLimitBackend.connect(RedisSettings.forAddress(redis.address()));
        inspector = redis.inspector();
    }

    @AfterAll
    static void stop() {
        inspector.close();
        backend.close();
        redis.close();
    }

    @BeforeEach
    void emptyServer() {
        inspector.call("FLUSHALL");
        inspector.call("CONFIG", "RESETSTAT");
    }

    private static List<LimitRequest> allAlgorithms(String partition, long cost) {
        return List.of(
                new LimitRequest("fixed", partition, LimitPolicy.window(Algorithm.FIXED_WINDOW, 100, MINUTE), cost),
                new LimitRequest("sliding", partition, LimitPolicy.window(Algorithm.SLIDING_WINDOW, 100, MINUTE), cost),
                new LimitRequest("bucket", partition, LimitPolicy.tokenBucket(100, MINUTE, 100), cost),
                new LimitRequest("gcra", partition, LimitPolicy.gcra(100, MINUTE, 100), cost));
    }

    @Test
    void everyKeyWrittenHasATtlNoLongerThanItsWindow() {
        for (int i = 0; i < 30; i++) {
            backend.acquire(allAlgorithms("user-" + (i % 7), 1 + i % 3));
            backend.acquire(List.of(allAlgorithms("", 1).get(i % 4)));
        }
        List<String> keys = inspector.keys();
        assertThat(keys).hasSize(4 * 7 + 4);
        for (String key : keys) {
            assertThat(inspector.pttl(key)).as("PTTL of %s", key).isBetween(1L, MINUTE);
        }
    }

    @Test
    void refusedCallsWriteNoKeyWithoutATtl() {
        LimitRequest one = new LimitRequest("tiny", "dave", LimitPolicy.window(Algorithm.SLIDING_WINDOW, 1, MINUTE), 1);
        LimitRequest bucket = new LimitRequest("tinyBucket", "dave", LimitPolicy.tokenBucket(1, MINUTE, 1), 1);
        LimitRequest gcra = new LimitRequest("tinyGcra", "dave", LimitPolicy.gcra(1, MINUTE, 1), 1);
        for (int i = 0; i < 5; i++) {
            backend.acquire(List.of(one, bucket, gcra));
        }
        for (String key : inspector.keys()) {
            assertThat(inspector.pttl(key)).as("PTTL of %s", key).isBetween(1L, MINUTE);
        }
    }

    @Test
    void eachDecisionIsOneScriptCall() {
        int decisions = 0;
        for (int i = 0; i < 50; i++) {
            backend.acquire(allAlgorithms("erin", 1));
            backend.peek(allAlgorithms("erin", 1));
            backend.acquire(List.of(allAlgorithms("frank", 2).get(i % 4)));
            decisions += 3;
        }
        Map<String, Long> calls = inspector.commandCalls();
        // The first call may load the script with EVAL; every other call is one EVALSHA.
        assertThat(calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L)).isEqualTo(decisions);
        assertThat(calls.getOrDefault("eval", 0L)).isLessThanOrEqualTo(1);
        System.out.printf("script calls per decision: %.3f (%s)%n",
                (calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L)) / (double) decisions, calls);
    }

    /**
     * The measurements' switch (docs/scaling.md): without batching, 32 threads deciding on one partition at once still
     * cost one script call per decision, and one per concurrency release, and decide as the batching engine does.
     */
    @Test
    void withoutBatchingEveryDecisionAndReleaseIsAScriptCallOfItsOwn() throws Exception {
        RedisSettings settings = RedisSettings.forAddress(redis.address());
        try (RedisRateLimitBackend unbatched = new RedisRateLimitBackend(RedissonClients.create(settings), true,
                settings.keyPrefix(), settings.operationTimeout(),
                dev.tollgate.internal.resilience.BackendCircuit.none(), false)) {
            LimitRequest fixed = new LimitRequest("unbatched", "ivy",
                    LimitPolicy.window(Algorithm.FIXED_WINDOW, 1_000, LimitPolicy.MAX_WINDOW_MILLIS), 1);
            LimitPolicy concurrency = LimitPolicy.concurrency(1_000, MINUTE);
            unbatched.acquire(List.of(fixed)); // loads the scripts, whose first call may be an EVAL
            LimitRequest first = new LimitRequest("unbatchedConcurrency", "ivy", concurrency, 1, PermitHolders.next());
            unbatched.acquire(List.of(first));
            unbatched.release(List.of(first)).join();
            inspector.call("CONFIG", "RESETSTAT");

            int threads = 32;
            int each = 20;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            java.util.concurrent.atomic.AtomicInteger permitted = new java.util.concurrent.atomic.AtomicInteger();
            try {
                List<java.util.concurrent.Future<?>> callers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    callers.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < each; i++) {
                            if (unbatched.acquire(List.of(fixed)).permitted()) {
                                permitted.incrementAndGet();
                            }
                            LimitRequest held = new LimitRequest("unbatchedConcurrency", "ivy", concurrency, 1,
                                    PermitHolders.next());
                            assertThat(unbatched.acquire(List.of(held)).permitted()).isTrue();
                            unbatched.release(List.of(held)).join();
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> caller : callers) {
                    caller.get();
                }
            } finally {
                pool.shutdownNow();
            }
            Map<String, Long> calls = inspector.commandCalls();
            // per thread and round: a fixed-window decision, a concurrency acquire, a concurrency release
            assertThat(calls.getOrDefault("evalsha", 0L)).as("%s", calls).isEqualTo(3L * threads * each);
            assertThat(permitted.get()).isEqualTo(threads * each);
            assertThat(unbatched.peek(List.of(fixed)).outcome(0).remaining())
                    .isEqualTo(1_000 - 1 - threads * each);
        }
    }

    @Test
    void callsDecidedInOneScriptGetWhatTheyWouldHaveGotOneAfterAnother() {
        // 80 calls on two partitions, with one to four limits each (a fixed window, a sliding window, a token
        // bucket, a GCRA, 10 permits each), costs 1 to 3, a fifth of them peeks: enough to run every limit out, so
        // that the script meets refusals, peeks and permits on keys it has already read, in every order. A token
        // bucket refills 10 tokens in 366 days, a GCRA's interval is 36.6 days: nothing worth a permit while the calls
        // made one at a time take their time.
        SplittableRandom random = new SplittableRandom(20261130);
        List<List<String>> shapes = new ArrayList<>();
        Set<Integer> peeks = new HashSet<>();
        List<Long> costs = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            List<String> limiters = new ArrayList<>(List.of("fixed", "sliding", "bucket", "gcra"));
            Collections.shuffle(limiters, new Random(random.nextLong()));
            shapes.add(List.of(random.nextBoolean() ? "a" : "b",
                    String.join(",", limiters.subList(0, 1 + random.nextInt(4)))));
            costs.add(1L + random.nextInt(3));
            if (random.nextInt(5) == 0) {
                peeks.add(i);
            }
        }
        List<List<LimitRequest>> together = calls("together-", shapes, costs);
        List<List<LimitRequest>> apart = calls("apart-", shapes, costs);

        List<RateLimitDecision> batched = backend.decideInOneScript(together, peeks);
        for (int i = 0; i < apart.size(); i++) {
            RateLimitDecision alone = peeks.contains(i) ? backend.peek(apart.get(i)) : backend.acquire(apart.get(i));
            RateLimitDecision inBatch = batched.get(i);
            assertThat(inBatch.permitted()).as("call %d %s", i, shapes.get(i)).isEqualTo(alone.permitted());
            for (int j = 0; j < alone.outcomes().size(); j++) {
                LimitOutcome expected = alone.outcome(j);
                LimitOutcome actual = inBatch.outcome(j);
                String what = "call " + i + " " + shapes.get(i) + " limit " + j;
                assertThat(actual.permitted()).as(what).isEqualTo(expected.permitted());
                assertThat(actual.remaining()).as(what).isEqualTo(expected.remaining());
                // times differ by as long as the calls made one at a time took
                assertThat(actual.resetMillis()).as(what).isCloseTo(expected.resetMillis(), within(10_000L));
                assertThat(actual.retryAfterMillis()).as(what).isCloseTo(expected.retryAfterMillis(), within(10_000L));
                assertThat(actual.nextMillis()).as(what).isCloseTo(expected.nextMillis(), within(10_000L));
            }
        }
        // what is left in Redis agrees too, and every key has its TTL
        for (String partition : List.of("a", "b")) {
            List<String> all = List.of(partition, "fixed,sliding,bucket,gcra");
            assertThat(backend.peek(calls("together-", List.of(all), List.of(1L)).get(0)).outcomes())
                    .extracting(LimitOutcome::remaining)
                    .isEqualTo(backend.peek(calls("apart-", List.of(all), List.of(1L)).get(0)).outcomes().stream()
                            .map(LimitOutcome::remaining).toList());
        }
        for (String key : inspector.keys()) {
            assertThat(inspector.pttl(key)).as("PTTL of %s", key).isPositive();
        }
    }

    private static List<List<LimitRequest>> calls(String partitionPrefix, List<List<String>> shapes, List<Long> costs) {
        List<List<LimitRequest>> calls = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            String partition = partitionPrefix + shapes.get(i).get(0);
            List<LimitRequest> limits = new ArrayList<>();
            for (String limiter : shapes.get(i).get(1).split(",")) {
                LimitPolicy policy = switch (limiter) {
                    case "fixed" -> LimitPolicy.window(Algorithm.FIXED_WINDOW, 10, 366 * 86_400_000L);
                    case "sliding" -> LimitPolicy.window(Algorithm.SLIDING_WINDOW, 10, MINUTE);
                    case "gcra" -> LimitPolicy.gcra(10, 366 * 86_400_000L, 10);
                    default -> LimitPolicy.tokenBucket(10, 366 * 86_400_000L, 10);
                };
                limits.add(new LimitRequest(limiter, partition, policy, costs.get(i)));
            }
            calls.add(limits);
        }
        return calls;
    }

    @Test
    void aScriptReadsAndWritesEachKeyOnceHoweverManyOfItsCallsUseIt() {
        LimitRequest fixed = new LimitRequest("f", "mo", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1000, MINUTE), 1);
        LimitRequest sliding = new LimitRequest("s", "mo",
                LimitPolicy.window(Algorithm.SLIDING_WINDOW, 1000, MINUTE), 1);
        LimitRequest bucket = new LimitRequest("t", "mo", LimitPolicy.tokenBucket(1000, MINUTE, 1000), 1);
        LimitRequest gcra = new LimitRequest("g", "mo", LimitPolicy.gcra(1000, 366 * 86_400_000L, 1000), 1);
        backend.acquire(List.of(fixed, sliding, bucket, gcra)); // the counter exists: no PEXPIRE below
        inspector.call("CONFIG", "RESETSTAT");

        List<RateLimitDecision> decisions = backend.decideInOneScript(
                Collections.nCopies(50, List.of(fixed, sliding, bucket, gcra)), Set.of());

        assertThat(decisions).extracting(d -> d.outcome(0).remaining())
                .isEqualTo(LongStream.rangeClosed(1, 50).map(i -> 999 - i).boxed().toList());
        assertThat(decisions).extracting(d -> d.outcome(3).remaining())
                .isEqualTo(LongStream.rangeClosed(1, 50).map(i -> 999 - i).boxed().toList());
        Map<String, Long> calls = inspector.commandCalls();
        assertThat(calls).containsEntry("evalsha", 1L).containsEntry("time", 1L)
                // the fixed window's first increment, then the other 49 at once
                .containsEntry("incrby", 2L)
                .containsEntry("zremrangebyscore", 1L).containsEntry("zcard", 1L).containsEntry("zadd", 1L)
                .containsEntry("pexpire", 1L)
                // the sliding window's oldest entry, for next
                .containsEntry("zrangebyscore", 1L)
                // the token bucket's and the GCRA's
                .containsEntry("get", 2L).containsEntry("set", 2L);
        assertThat(inspector.call("ZCARD", KEYS.key(sliding))).isEqualTo(51L);
        // every call's next: when the entry of the acquire before the script leaves, the same for all of them
        long next = decisions.get(0).outcome(1).nextMillis();
        assertThat(next).isBetween(MINUTE - 10_000, MINUTE);
        assertThat(decisions).extracting(d -> d.outcome(1).nextMillis()).containsOnly(next);
    }

    @Test
    void aFlushedScriptCacheCostsOneEvalAndNothingElse() {
        backend.acquire(allAlgorithms("gina", 1));
        inspector.call("SCRIPT", "FLUSH");
        inspector.call("CONFIG", "RESETSTAT");

        assertThat(backend.acquire(allAlgorithms("gina", 1)).outcome(0).remaining()).isEqualTo(98);
        assertThat(backend.acquire(allAlgorithms("gina", 1)).outcome(0).remaining()).isEqualTo(97);

        Map<String, Long> calls = inspector.commandCalls();
        assertThat(calls.get("eval")).isEqualTo(1);
        // the EVALSHA that met NOSCRIPT, and the one of the next decision
        assertThat(calls.get("evalsha")).isEqualTo(2);
        assertThat(calls).doesNotContainKey("script");
    }

    @Test
    void keysAreHashTaggedByPartitionAndPrefixed() {
        backend.acquire(List.of(new LimitRequest("com.acme.Orders/create", "u:abc",
                LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, MINUTE), 1)));
        backend.acquire(List.of(new LimitRequest("global", "",
                LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, MINUTE), 1)));
        // a fixed window's counter ends with its window's number modulo 3
        assertThat(inspector.keys()).hasSize(2).anySatisfy(key -> assertThat(key).matches(
                        Pattern.quote("tollgate:{u:abc}" + RateLimitKeys.limiterId(Algorithm.FIXED_WINDOW,
                                "com.acme.Orders/create")) + "[012]"))
                .anySatisfy(key -> assertThat(key).matches(Pattern.quote("tollgate:{-}"
                        + RateLimitKeys.limiterId(Algorithm.FIXED_WINDOW, "global")) + "[012]"));
    }

    @Test
    void fixedWindowAndTokenBucketStateIsOneSmallStringWithATtl() {
        String partition = "p:" + "A".repeat(22); // the shape of a hashed partition
        backend.acquire(List.of(
                new LimitRequest("com.acme.OrderResource/create", partition,
                        LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, MINUTE), 1),
                new LimitRequest("com.acme.OrderResource/list", partition, LimitPolicy.tokenBucket(5, MINUTE, 5), 1)));
        List<String> keys = inspector.keys();
        assertThat(keys).hasSize(2).allSatisfy(key -> {
            assertThat(inspector.call("TYPE", key)).isEqualTo("string");
            assertThat(key.length()).isLessThanOrEqualTo(44);
            assertThat(inspector.pttl(key)).isPositive();
        });
    }

    @Test
    void aGcraIsOneSmallIntegerPerPartitionExpiringAtItsArrivalTime() {
        String partition = "p:" + "A".repeat(22); // the shape of a hashed partition
        // 100 an hour (T = 36 s), burst 100: one permit, then two more in one call
        LimitRequest gcra = new LimitRequest("com.acme.OrderResource/create", partition,
                LimitPolicy.gcra(100, 3_600_000, 100), 1);
        backend.acquire(List.of(gcra));
        backend.acquire(List.of(new LimitRequest(gcra.limiter(), partition, gcra.policy(), 2)));
        String key = KEYS.key(gcra);
        assertThat(inspector.keys()).containsExactly(key);
        assertThat(key.length()).isLessThanOrEqualTo(44);
        assertThat(inspector.call("TYPE", key)).isEqualTo("string");
        assertThat(inspector.call("OBJECT", "ENCODING", key)).isEqualTo("int");
        // expires when back at rest: three intervals from the first call
        assertThat(inspector.pttl(key)).isBetween(3 * 36_000L - 1000, 3 * 36_000L);
        long bytes = (Long) inspector.call("MEMORY", "USAGE", key, "SAMPLES", "0");
        System.out.printf("GCRA: MEMORY USAGE of a hashed partition's key: %d bytes%n", bytes);
        assertThat(bytes).isLessThanOrEqualTo(100);
    }

    @Test
    void aConcurrencyLimitIsASortedSetOfHoldersThatExpiresOneLeaseAfterItsLastWriteAndGoesWithItsLastPermit() {
        String partition = "p:" + "A".repeat(22); // the shape of a hashed partition
        LimitRequest permit = new LimitRequest("com.acme.ReportResource/generate", partition,
                LimitPolicy.concurrency(10, MINUTE), 1, PermitHolders.next());
        assertThat(backend.acquire(List.of(permit)).permitted()).isTrue();
        String key = KEYS.key(permit);
        assertThat(inspector.keys()).containsExactly(key);
        assertThat(inspector.call("TYPE", key)).isEqualTo("zset");
        assertThat(inspector.pttl(key)).isBetween(MINUTE - 1000, MINUTE);
        long bytes = (Long) inspector.call("MEMORY", "USAGE", key, "SAMPLES", "0");
        LimitRequest second = permit.heldBy(PermitHolders.next());
        backend.acquire(List.of(second));
        long twoHolders = (Long) inspector.call("MEMORY", "USAGE", key, "SAMPLES", "0");
        System.out.printf("CONCURRENCY: MEMORY USAGE of a hashed partition's key: %d bytes with one holder, %d with"
                + " two%n", bytes, twoHolders);
        assertThat(bytes).isLessThanOrEqualTo(200);
        assertThat(twoHolders - bytes).isLessThanOrEqualTo(64);

        // a renewal starts the lease again on the server's clock
        assertThat(backend.renew(List.of(permit))).isTrue();
        assertThat(inspector.pttl(key)).isBetween(MINUTE - 1000, MINUTE);
        backend.release(List.of(permit)).join();
        backend.release(List.of(second)).join();
        assertThat(inspector.keys()).as("the last permit given back takes the key with it").isEmpty();
    }

    /** Two instances of an application: two backends, each with its own connections, on one Redis. */
    @Test
    void twoBackendsOnOneRedisShareAConcurrencyLimit() throws Exception {
        int limit = 4;
        LimitPolicy policy = LimitPolicy.concurrency(limit, MINUTE);
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicIntegerArray admitted = new java.util.concurrent.atomic.AtomicIntegerArray(2);
        try (RedisRateLimitBackend other = RedisRateLimitBackend.connect(RedisSettings.forAddress(redis.address()))) {
            List<RedisRateLimitBackend> instances = List.of(backend, other);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(100);
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(100);
            try {
                List<java.util.concurrent.Future<?>> callers = new ArrayList<>();
                for (int c = 0; c < 100; c++) {
                    int instance = c % 2;
                    callers.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 10; i++) {
                            LimitRequest request = new LimitRequest("shared", "", policy, 1, PermitHolders.next());
                            RedisRateLimitBackend through = instances.get(instance);
                            if (through.acquire(List.of(request)).permitted()) {
                                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                                admitted.incrementAndGet(instance);
                                Thread.sleep(3);
                                inside.decrementAndGet();
                                through.release(List.of(request)).join();
                            }
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> caller : callers) {
                    caller.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        System.out.printf("CONCURRENCY %d shared by two backends: %d and %d calls admitted, at most %d at once%n",
                limit, admitted.get(0), admitted.get(1), most.get());
        assertThat(most.get()).isBetween(1, limit);
        assertThat(admitted.get(0)).isPositive();
        assertThat(admitted.get(1)).isPositive();
        assertThat(inspector.keys()).as("every permit given back").isEmpty();
    }

    @Test
    void aGcraArrivalTimeInThePastIsAtRestAndOneTooFarAheadCountsAsTheTolerance() {
        // 10 per 10 s (T = 1 s), burst 4; stored TATs 5 s in the past, and a whole window (10 intervals) ahead
        LimitRequest past = new LimitRequest("past", "kim", LimitPolicy.gcra(10, 10_000, 4), 1);
        LimitRequest ahead = new LimitRequest("ahead", "kim", LimitPolicy.gcra(10, 10_000, 4), 1);
        writeArrivalTime(past, -5_000);
        writeArrivalTime(ahead, 10_000);

        List<LimitOutcome> outcomes = backend.peek(List.of(past, ahead)).outcomes();

        assertThat(outcomes.get(0).remaining()).isEqualTo(4);
        assertThat(outcomes.get(0).resetMillis()).isZero();
        assertThat(outcomes.get(1).permitted()).isFalse();
        assertThat(outcomes.get(1).remaining()).isZero();
        // at most the tolerance (4 intervals) ahead: back at rest within 4 s, a permit within 1 s
        assertThat(outcomes.get(1).resetMillis()).isBetween(3_000L, 4_000L);
        assertThat(outcomes.get(1).retryAfterMillis()).isBetween(1L, 1_000L);
    }

    /** Stores a TAT {@code ahead} ms after the server's clock, in the script's units (1/limit ms, modulo 2^52). */
    private static void writeArrivalTime(LimitRequest request, long ahead) {
        inspector.call("EVAL", """
                local t = redis.call('TIME')
                local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
                local tat = math.fmod((now + tonumber(ARGV[1])) * tonumber(ARGV[2]), 4503599627370496)
                redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', 60000)
                """, "1", KEYS.key(request), String.valueOf(ahead), String.valueOf(request.policy().limit()));
    }

    @Test
    void aRefusedCallLeavesFixedWindowCountersAsTheyWere() {
        LimitRequest fixed = new LimitRequest("counter", "ida", LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, MINUTE), 1);
        LimitRequest fresh = new LimitRequest("fresh", "ida", LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, MINUTE), 1);
        LimitRequest single = new LimitRequest("single", "ida", LimitPolicy.window(Algorithm.SLIDING_WINDOW, 1, MINUTE), 1);
        assertThat(backend.acquire(List.of(fixed, single)).permitted()).isTrue();
        List<String> before = inspector.keys();

        // The fixed windows' counters are incremented before the sliding window refuses; the refusal takes that back.
        assertThat(backend.acquire(List.of(fixed, fresh, single)).permitted()).isFalse();

        assertThat(inspector.keys()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(backend.peek(List.of(fixed)).outcome(0).remaining()).isEqualTo(4);
        Map<String, Long> calls = inspector.commandCalls();
        assertThat(calls.get("decrby")).isEqualTo(1);
        assertThat(calls.get("del")).isEqualTo(1);
    }

    @Test
    void aTokenBucketKeepsItsRefillTimeInAsFewBytesAsItsTtlAllows() {
        // TTL after one permit: 1 s; 1 day; 366 days (the longest window)
        LimitRequest seconds = new LimitRequest("seconds", "jo", LimitPolicy.tokenBucket(10, 10_000, 10), 1);
        LimitRequest days = new LimitRequest("days", "jo", LimitPolicy.tokenBucket(1, 86_400_000, 10), 1);
        LimitRequest ages = new LimitRequest("ages", "jo", LimitPolicy.tokenBucket(1, 31_622_400_000L, 10), 1);
        for (int i = 1; i <= 3; i++) {
            List<Long> remaining = backend.acquire(List.of(seconds, days, ages)).outcomes().stream()
                    .map(LimitOutcome::remaining).toList();
            // no refill worth a token between two calls, whatever the width of the stored time
            assertThat(remaining).containsExactly(10L - i, 10L - i, 10L - i);
        }
        assertThat(valueLength(seconds)).isEqualTo(10);
        assertThat(valueLength(days)).isEqualTo(12);
        assertThat(valueLength(ages)).isEqualTo(14);
    }

    @Test
    void aTokenBucketWhoseClockSteppedBackRefillsNothing() {
        // 10 tokens refilled in 10 s, one per second; 3 left, as of 5 s (resp. 5 days) in the server's future
        LimitRequest bucket = new LimitRequest("stepped", "kim", LimitPolicy.tokenBucket(10, 10_000, 10), 1);
        LimitRequest slow = new LimitRequest("steppedSlowly", "kim", LimitPolicy.tokenBucket(10, 864_000_000, 10), 1);
        writeBucket(bucket, "<dI2", 65536, 5_000);
        writeBucket(slow, "<dI4", 4294967296L, 432_000_000);

        List<Long> remaining = backend.acquire(List.of(bucket, slow)).outcomes().stream()
                .map(LimitOutcome::remaining).toList();

        // read as "60 s ago" (2^16 - 5,000 ms) or "45 days ago", either bucket would be full again: 9 remaining
        assertThat(remaining).containsExactly(2L, 2L);
    }

    private static long valueLength(LimitRequest request) {
        return (Long) inspector.call("STRLEN", KEYS.key(request));
    }

    /** Stores 3 tokens as of {@code ahead} ms after the server's clock, packed as the script packs them. */
    private static void writeBucket(LimitRequest request, String format, long range, long ahead) {
        inspector.call("EVAL", """
                local t = redis.call('TIME')
                local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
                redis.call('SET', KEYS[1], struct.pack(ARGV[1], 3, (now + tonumber(ARGV[3])) % tonumber(ARGV[2])),
                    'PX', 60000)
                """, "1", KEYS.key(request), format, String.valueOf(range), String.valueOf(ahead));
    }

    @Test
    void slidingWindowMembersTakeNewNamesWhenTheirNamesExistAlready() {
        // As after a clock that stepped back: for the next 2 s, a member at every millisecond named as the script
        // would name the first permit taken there while 2,000 are live.
        LimitRequest sliding = new LimitRequest("names", "lou",
                LimitPolicy.window(Algorithm.SLIDING_WINDOW, 10_000, MINUTE), 3);
        inspector.call("EVAL", """
                local t = redis.call('TIME')
                local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
                for ms = now, now + 1999 do
                    redis.call('ZADD', KEYS[1], ms, ms .. ':2000')
                end
                redis.call('PEXPIRE', KEYS[1], 60000)
                """, "1", KEYS.key(sliding));

        assertThat(backend.acquire(List.of(sliding)).outcome(0).remaining()).isEqualTo(10_000 - 2_003);
        assertThat(inspector.call("ZCARD", KEYS.key(sliding))).isEqualTo(2_003L);
    }

    @Test
    void slotsAreComputedAsRedisClusterDoes() {
        // Reference values from the Redis Cluster specification and CLUSTER KEYSLOT.
        assertThat(RedisRateLimitBackend.slot("123456789")).isEqualTo(0x31C3);
        assertThat(RedisRateLimitBackend.slot("foo")).isEqualTo(12182);
        assertThat(RedisRateLimitBackend.slot("user1000")).isEqualTo(3443);
    }

    @Test
    void aDeadRedisFailsTheDecisionQuicklyInsteadOfHanging() {
        RedisProcess doomed = RedisProcess.start();
        RedisSettings settings = RedisSettings.forAddress(doomed.address())
                .withTimeouts(Duration.ofMillis(200), 1, Duration.ofMillis(50));
        try (RedisRateLimitBackend victim = RedisRateLimitBackend.connect(settings)) {
            List<LimitRequest> limits = allAlgorithms("hank", 1);
            assertThat(victim.acquire(limits).permitted()).isTrue();
            victim.ping();
            doomed.stop();
            // Bounded by the settings' operation timeout (about half a second); the preemptive bound only proves
            // that the caller gets control back rather than waiting for a TCP timeout.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    assertThatThrownBy(() -> victim.acquire(limits))
                            .isInstanceOf(BackendUnavailableException.class)
                            .hasMessageContaining("rate_limit.lua"));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    assertThatThrownBy(victim::ping).isInstanceOf(BackendUnavailableException.class));
        } finally {
            doomed.close();
        }
    }
}
