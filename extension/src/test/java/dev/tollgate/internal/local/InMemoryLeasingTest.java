package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tollgate.RateLimit.Algorithm.FIXED_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Leasing is for a shared store: the in-memory backend decides locally already, and answers a leased request alike. */
class InMemoryLeasingTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_250L);
    private final InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000);

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void aLeasedRequestIsDecidedAsAnUnleasedOne() {
        for (LimitPolicy policy : List.of(LimitPolicy.window(FIXED_WINDOW, 3, 1_000), LimitPolicy.tokenBucket(3, 1_000, 3))) {
            LimitRequest leased = new LimitRequest("leased-" + policy.algorithm(), "", policy, 1, null, true);
            LimitRequest plain = new LimitRequest("plain-" + policy.algorithm(), "", policy, 1);
            for (int i = 0; i < 5; i++) {
                assertThat(backend.acquire(List.of(leased))).isEqualTo(backend.acquire(List.of(plain)));
            }
        }
    }
}
