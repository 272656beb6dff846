package dev.tollgate.internal.redis;

import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.idempotency.IdempotencyStoreContract;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The idempotency store contract on Redis 7 (Debian's {@code redis-server}), next to
 * {@link RedisIdempotencyStoreContractTest} on embedded-redis's 6.2: the two Redis lines docs/servers.md's
 * compatibility matrix names as tested.
 */
class Redis7IdempotencyStoreContractTest extends IdempotencyStoreContract {

    private static RedisServerProcess redis;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void start() {
        int port = RedisServerProcess.freePort();
        redis = RedisServerProcess.start(RedisBinary.DEBIAN_7.executable(), RedisServerProcess.newDirectory("redis7"),
                port, "port " + port);
        store = RedisIdempotencyStore.connect(RedisSettings.forAddress("redis://127.0.0.1:" + port));
    }

    @AfterAll
    static void stop() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }
}
