package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The leasing contract on one redis-server; and a lease spent while that server is gone. */
class PermitLeasingTest extends PermitLeasingContract {

    private static RedisProcess redis;
    private static RedisInspector inspector;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        inspector = redis.inspector();
    }

    @AfterAll
    static void stop() {
        inspector.close();
        redis.close();
    }

    @Override
    protected RedisSettings settings() {
        return RedisSettings.forAddress(redis.address());
    }

    @Override
    protected void flushAll() {
        inspector.call("FLUSHALL");
    }

    @Override
    protected Object get(String key) {
        return inspector.call("GET", key);
    }

    @Override
    protected List<String> allKeys() {
        return inspector.keys();
    }

    @Override
    protected long pttl(String key) {
        return inspector.pttl(key);
    }

    @Test
    void anUnexpiredLeaseIsSpentWhileRedisIsAwayThenTheRefillFailsAsUnavailable() {
        LimitRequest request = leased("away", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1000, HOUR));
        RedisProcess own = RedisProcess.start();
        RedisRateLimitBackend backend = RedisRateLimitBackend.connect(RedisSettings.forAddress(own.address()));
        backends.add(backend);
        LimitOutcome first;
        long leasedPermits;
        try (RedisInspector ownInspector = own.inspector()) {
            first = backend.acquire(List.of(request)).outcome(0);
            leasedPermits = 0;
            for (String digit : List.of("0", "1", "2")) {
                Object value = ownInspector.call("GET", KEYS.key(request) + digit);
                leasedPermits += value == null ? 0 : Long.parseLong((String) value);
            }
        } finally {
            own.close();
        }
        assertThat(first.permitted()).isTrue();
        for (long i = 1; i < leasedPermits; i++) {
            assertThat(backend.acquire(List.of(request)).permitted()).as("call %d from the lease", i).isTrue();
        }
        assertThatThrownBy(() -> backend.acquire(List.of(request)))
                .isInstanceOf(BackendUnavailableException.class);
    }
}
