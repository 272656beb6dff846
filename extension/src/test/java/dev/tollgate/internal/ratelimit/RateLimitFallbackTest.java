package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.RateLimit.FailureMode;
import dev.tollgate.internal.local.InMemoryRateLimitBackend;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.partition.PartitionKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The failure modes, decided for one call's limits while the shared backend is unavailable. */
class RateLimitFallbackTest {

    private static final PartitionKey SHARED = call -> "";
    private static final BackendUnavailableException DOWN = new BackendUnavailableException("down", null);

    private static GuardedLimit limit(String name, LimitPolicy policy, FailureMode mode, boolean shadow) {
        return new GuardedLimit(new LimitSettings(name, policy, Map.of(), 1, "", shadow, 0, mode), SHARED);
    }

    private static List<LimitRequest> requests(List<GuardedLimit> limits) {
        List<LimitRequest> requests = new ArrayList<>();
        for (GuardedLimit limit : limits) {
            requests.add(new LimitRequest(limit.settings().name(), "p", limit.settings().policy(), 1));
        }
        return requests;
    }

    @Test
    void localLimitsAreDecidedTogetherOnThisInstanceAndAllowLimitsCountNothing() {
        RateLimitFallback fallback = new RateLimitFallback(new InMemoryRateLimitBackend(), 1.0, GuardMetrics.NONE);
        List<GuardedLimit> limits = List.of(
                limit("a", LimitPolicy.window(Algorithm.FIXED_WINDOW, 3, 60_000), FailureMode.LOCAL, false),
                limit("b", LimitPolicy.window(Algorithm.SLIDING_WINDOW, 2, 60_000), FailureMode.ALLOW, false));
        for (int i = 0; i < 3; i++) {
            RateLimitDecision decision = fallback.decide(limits, requests(limits), DOWN);
            assertThat(decision.permitted()).isTrue();
            assertThat(decision.outcome(0).remaining()).isEqualTo(2 - i);
            assertThat(decision.outcome(1).remaining()).as("ALLOW counts nothing").isEqualTo(2);
        }
        RateLimitDecision fourth = fallback.decide(limits, requests(limits), DOWN);
        assertThat(fourth.permitted()).as("the LOCAL limit is used up").isFalse();
        assertThat(fourth.outcome(0).retryAfterMillis()).isPositive();
    }

    @Test
    void aFloodOfPartitionsDuringAnOutageNeverGivesAUsedUpPartitionAFreshLocalLimit() {
        // The same in-memory backend class as without Redis, so the same bound: here 1,000 states.
        RateLimitFallback fallback = new RateLimitFallback(new InMemoryRateLimitBackend(1_000), 1.0,
                GuardMetrics.NONE);
        GuardedLimit login = limit("login", LimitPolicy.window(Algorithm.SLIDING_WINDOW, 2, 60_000),
                FailureMode.LOCAL, false);
        List<GuardedLimit> limits = List.of(login);
        List<LimitRequest> busy = List.of(new LimitRequest("login", "busy", login.settings().policy(), 1));
        assertThat(fallback.decide(limits, busy, DOWN).permitted()).isTrue();
        assertThat(fallback.decide(limits, busy, DOWN).permitted()).isTrue();
        long admitted = 0;
        for (int i = 0; i < 5_000; i++) {
            List<LimitRequest> flood = List.of(new LimitRequest("login", "h:" + i, login.settings().policy(), 1));
            admitted += fallback.decide(limits, flood, DOWN).permitted() ? 1 : 0;
            if (i % 100 == 0) {
                assertThat(fallback.decide(limits, busy, DOWN).permitted()).isFalse();
            }
        }
        assertThat(fallback.decide(limits, busy, DOWN).permitted()).isFalse();
        // 999 newcomers had room for a state of their own; the other 4,001 shared the overflow partition's 2.
        assertThat(admitted).isEqualTo(999 + 2);
    }

    @Test
    void anEnforcedRejectLimitRefusesTheCallAndConsumesNothingLocally() {
        InMemoryRateLimitBackend local = new InMemoryRateLimitBackend();
        RateLimitFallback fallback = new RateLimitFallback(local, 1.0, GuardMetrics.NONE);
        LimitPolicy policy = LimitPolicy.window(Algorithm.FIXED_WINDOW, 1, 60_000);
        List<GuardedLimit> limits = List.of(limit("a", policy, FailureMode.LOCAL, false),
                limit("b", policy, FailureMode.REJECT, false));
        assertThatThrownBy(() -> fallback.decide(limits, requests(limits), DOWN)).isSameAs(DOWN);
        List<GuardedLimit> localOnly = List.of(limits.get(0));
        assertThat(fallback.decide(localOnly, requests(localOnly), DOWN).permitted()).isTrue();
    }

    @Test
    void aShadowRejectLimitNeverRefuses() {
        RateLimitFallback fallback = new RateLimitFallback(new InMemoryRateLimitBackend(), 1.0, GuardMetrics.NONE);
        List<GuardedLimit> limits = List.of(limit("s", LimitPolicy.window(Algorithm.FIXED_WINDOW, 1, 60_000),
                FailureMode.REJECT, true));
        assertThat(fallback.decide(limits, requests(limits), DOWN).permitted()).isTrue();
    }

    @Test
    void theLocalShareScalesTheLimitButNeverBelowTheCost() {
        RateLimitFallback quarter = new RateLimitFallback(new InMemoryRateLimitBackend(), 0.25,
                GuardMetrics.NONE);
        assertThat(quarter.scaled(LimitPolicy.window(Algorithm.FIXED_WINDOW, 100, 1000), 1))
                .isEqualTo(LimitPolicy.window(Algorithm.FIXED_WINDOW, 25, 1000));
        assertThat(quarter.scaled(LimitPolicy.tokenBucket(10, 1000, 40), 1))
                .isEqualTo(LimitPolicy.tokenBucket(2, 1000, 10));
        assertThat(quarter.scaled(LimitPolicy.gcra(10, 1000, 40), 1)).isEqualTo(LimitPolicy.gcra(2, 1000, 10));
        assertThat(quarter.scaled(LimitPolicy.window(Algorithm.SLIDING_WINDOW, 10, 1000), 5))
                .as("a call of cost 5 must still fit").isEqualTo(LimitPolicy.window(Algorithm.SLIDING_WINDOW, 5, 1000));
        assertThat(quarter.scaled(LimitPolicy.window(Algorithm.FIXED_WINDOW, 2, 1000), 1).limit()).isEqualTo(1);

        List<GuardedLimit> limits = List.of(limit("q", LimitPolicy.window(Algorithm.FIXED_WINDOW, 8, 60_000),
                FailureMode.LOCAL, false));
        int permitted = 0;
        for (int i = 0; i < 8; i++) {
            if (quarter.decide(limits, requests(limits), DOWN).permitted()) {
                permitted++;
            }
        }
        assertThat(permitted).as("a quarter of 8").isEqualTo(2);
    }

    @Test
    void aShareOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new RateLimitFallback(new InMemoryRateLimitBackend(), 0, GuardMetrics.NONE))
                .hasMessage("localShare must be in (0, 1], was 0.0");
    }
}
