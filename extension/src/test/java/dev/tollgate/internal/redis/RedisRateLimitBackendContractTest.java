package dev.tollgate.internal.redis;

import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitBackendContract;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The backend contract on a real redis-server process. */
class RedisRateLimitBackendContractTest extends RateLimitBackendContract {

    private static RedisProcess redis;
    private static RedisRateLimitBackend backend;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        backend = RedisRateLimitBackend.connect(RedisSettings.forAddress(redis.address()));
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
    protected RateLimitBackend backend() {
        return backend;
    }
}
