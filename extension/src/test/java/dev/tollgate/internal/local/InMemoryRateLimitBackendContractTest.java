package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitBackendContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The backend contract on the in-memory backend, on the system clock like the Redis run. */
class InMemoryRateLimitBackendContractTest extends RateLimitBackendContract {

    private static InMemoryRateLimitBackend backend;

    @BeforeAll
    static void start() {
        backend = new InMemoryRateLimitBackend();
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Override
    protected RateLimitBackend backend() {
        return backend;
    }
}
