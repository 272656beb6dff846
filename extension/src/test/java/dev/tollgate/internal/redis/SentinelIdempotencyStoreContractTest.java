package dev.tollgate.internal.redis;

import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.idempotency.IdempotencyStoreContract;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisSentinelGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The idempotency store contract through Redis Sentinel (a master, a replica, three Sentinels), reached through the
 * shipped {@code server-config/redisson/sentinel.yaml} with this group's Sentinel addresses.
 */
class SentinelIdempotencyStoreContractTest extends IdempotencyStoreContract {

    private static RedisSentinelGroup sentinel;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void start() {
        sentinel = RedisSentinelGroup.start(RedisBinary.EMBEDDED_6_2);
        store = RedisIdempotencyStore.connect(SentinelSettings.of(sentinel));
    }

    @AfterAll
    static void stop() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            if (sentinel != null) {
                sentinel.close();
            }
        }
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }
}
