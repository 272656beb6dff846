package dev.tollgate.internal.redis;

import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.violations.ViolationStore;
import dev.tollgate.internal.violations.ViolationStoreContract;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RedisViolationStoreContractTest extends ViolationStoreContract {

    private static final long PERIOD = 60_000;

    private static RedisProcess redis;
    private static RedisRateLimitBackend backend;
    private static RedisViolationStore store;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        backend = RedisRateLimitBackend.connect(RedisSettings.forAddress(redis.address()));
        store = new RedisViolationStore(backend.client(), RedisSettings.DEFAULT_KEY_PREFIX, Duration.ofSeconds(5),
                BackendCircuit.none(), TOP, PERIOD);
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected ViolationStore store() {
        return store;
    }

    @Test
    void aRankingIsOneSortedSetUnderThePrefixForgottenTwoPeriodsAfterItsOwnEnded() {
        String limiter = freshLimiter();
        store.add(limiter, 29_000_000, Map.of("p:abc", 2L)).join();
        try (RedisInspector inspector = redis.inspector()) {
            String key = "tollgate:violations:{" + limiter + "}29000000";
            assertThat(inspector.keys()).contains(key);
            assertThat(inspector.call("TYPE", key)).isEqualTo("zset");
            assertThat(inspector.pttl(key)).isBetween(3 * PERIOD - 1_000, 3 * PERIOD);
        }
    }
}
