package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.BackendUnavailableException;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** What only the Redis backend has to show: its keys, its round trips, and how it fails. */
class RedisRateLimitBackendTest {

    private static final long MINUTE = 60_000;

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
                new LimitRequest("bucket", partition, LimitPolicy.tokenBucket(100, MINUTE, 100), cost));
    }

    @Test
    void everyKeyWrittenHasATtlNoLongerThanItsWindow() {
        for (int i = 0; i < 30; i++) {
            backend.acquire(allAlgorithms("user-" + (i % 7), 1 + i % 3));
            backend.acquire(List.of(allAlgorithms("", 1).get(i % 3)));
        }
        List<String> keys = inspector.keys();
        assertThat(keys).hasSize(3 * 7 + 3);
        for (String key : keys) {
            assertThat(inspector.pttl(key)).as("PTTL of %s", key).isBetween(1L, MINUTE);
        }
    }

    @Test
    void refusedCallsWriteNoKeyWithoutATtl() {
        LimitRequest one = new LimitRequest("tiny", "dave", LimitPolicy.window(Algorithm.SLIDING_WINDOW, 1, MINUTE), 1);
        LimitRequest bucket = new LimitRequest("tinyBucket", "dave", LimitPolicy.tokenBucket(1, MINUTE, 1), 1);
        for (int i = 0; i < 5; i++) {
            backend.acquire(List.of(one, bucket));
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
            backend.acquire(List.of(allAlgorithms("frank", 2).get(i % 3)));
            decisions += 3;
        }
        Map<String, Long> calls = inspector.commandCalls();
        // The first call may load the script with EVAL; every other call is one EVALSHA.
        assertThat(calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L)).isEqualTo(decisions);
        assertThat(calls.getOrDefault("eval", 0L)).isLessThanOrEqualTo(1);
        System.out.printf("script calls per decision: %.3f (%s)%n",
                (calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L)) / (double) decisions, calls);
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
                        Pattern.quote("tollgate:{u:abc}" + RedisRateLimitBackend.limiterId(Algorithm.FIXED_WINDOW,
                                "com.acme.Orders/create")) + "[012]"))
                .anySatisfy(key -> assertThat(key).matches(Pattern.quote("tollgate:{-}"
                        + RedisRateLimitBackend.limiterId(Algorithm.FIXED_WINDOW, "global")) + "[012]"));
    }

    @Test
    void limiterIdsAreShortAndDependOnTheAlgorithm() {
        String fixed = RedisRateLimitBackend.limiterId(Algorithm.FIXED_WINDOW, "com.acme.OrderResource/create");
        assertThat(fixed).matches("[A-Za-z0-9_-]{8}");
        assertThat(RedisRateLimitBackend.limiterId(Algorithm.TOKEN_BUCKET, "com.acme.OrderResource/create"))
                .isNotEqualTo(fixed);
        assertThat(RedisRateLimitBackend.limiterId(Algorithm.FIXED_WINDOW, "com.acme.OrderResource/list"))
                .isNotEqualTo(fixed);
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
