package dev.tollgate.internal.redis;

import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitBackendContract;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The backend contract on Redis 7 (Debian's {@code redis-server}), next to {@link RedisRateLimitBackendContractTest} on
 * embedded-redis's 6.2: the two Redis lines docs/servers.md's compatibility matrix names as tested.
 */
class Redis7RateLimitBackendContractTest extends RateLimitBackendContract {

    private static RedisServerProcess redis;
    private static RedisRateLimitBackend backend;

    @BeforeAll
    static void start() {
        int port = RedisServerProcess.freePort();
        redis = RedisServerProcess.start(RedisBinary.DEBIAN_7.executable(), RedisServerProcess.newDirectory("redis7"),
                port, "port " + port);
        backend = RedisRateLimitBackend.connect(RedisSettings.forAddress("redis://127.0.0.1:" + port));
    }

    @AfterAll
    static void stop() {
        try {
            if (backend != null) {
                backend.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Override
    protected RateLimitBackend backend() {
        return backend;
    }
}
