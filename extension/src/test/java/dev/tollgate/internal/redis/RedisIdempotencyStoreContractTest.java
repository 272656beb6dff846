package dev.tollgate.internal.redis;

import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.idempotency.IdempotencyStoreContract;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The idempotency store contract on a real redis-server process. */
class RedisIdempotencyStoreContractTest extends IdempotencyStoreContract {

    private static RedisProcess redis;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        store = RedisIdempotencyStore.connect(RedisSettings.forAddress(redis.address()));
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }
}
