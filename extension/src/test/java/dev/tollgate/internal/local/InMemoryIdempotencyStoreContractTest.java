package dev.tollgate.internal.local;

import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.idempotency.IdempotencyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The idempotency store contract on the in-memory store, on the system clock like the Redis run. */
class InMemoryIdempotencyStoreContractTest extends IdempotencyStoreContract {

    private static InMemoryIdempotencyStore store;

    @BeforeAll
    static void start() {
        store = new InMemoryIdempotencyStore();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }
}
