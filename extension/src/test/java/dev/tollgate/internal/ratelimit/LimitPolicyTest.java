package dev.tollgate.internal.ratelimit;

import dev.tollgate.RateLimit.Algorithm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LimitPolicyTest {

    @Test
    void rejectsImpossiblePolicies() {
        assertThatIllegalArgumentException().isThrownBy(() -> LimitPolicy.window(Algorithm.FIXED_WINDOW, 0, 1000))
                .withMessage("limit must be in [1, 1099511627776], was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> LimitPolicy.window(Algorithm.SLIDING_WINDOW, 5, 0))
                .withMessageContaining("windowMillis must be in [1, ").withMessageEndingWith("was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, LimitPolicy.MAX_WINDOW_MILLIS + 1))
                .withMessageContaining("windowMillis");
        assertThatIllegalArgumentException().isThrownBy(() -> LimitPolicy.tokenBucket(5, 1000, 0))
                .withMessage("capacity must be in [1, 1099511627776], was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new LimitPolicy(Algorithm.FIXED_WINDOW, 5, 1000, 10))
                .withMessage("capacity must equal limit for FIXED_WINDOW, was 10 with limit 5");
    }

    @Test
    void aWindowsCapacityIsItsLimitAndABucketsIsItsBurst() {
        assertThat(LimitPolicy.window(Algorithm.SLIDING_WINDOW, 7, 1000).capacity()).isEqualTo(7);
        assertThat(LimitPolicy.tokenBucket(7, 1000, 20).capacity()).isEqualTo(20);
    }

    @Test
    void aRequestsCostMustFitTheCapacity() {
        LimitPolicy policy = LimitPolicy.tokenBucket(2, 1000, 5);
        assertThat(new LimitRequest("l", "", policy, 5).cost()).isEqualTo(5);
        assertThatIllegalArgumentException().isThrownBy(() -> new LimitRequest("l", "", policy, 6))
                .withMessage("cost must be in [1, 5], was 6");
        assertThatIllegalArgumentException().isThrownBy(() -> new LimitRequest("l", "", policy, 0))
                .withMessage("cost must be in [1, 5], was 0");
    }

    @Test
    void aPartitionCannotBreakOutOfItsHashTag() {
        LimitPolicy policy = LimitPolicy.window(Algorithm.FIXED_WINDOW, 1, 1000);
        assertThatIllegalArgumentException().isThrownBy(() -> new LimitRequest("l", "a}b", policy, 1))
                .withMessage("partition must not contain braces, was a}b");
        assertThatIllegalArgumentException().isThrownBy(() -> new LimitRequest("", "", policy, 1))
                .withMessage("limiter must not be empty");
    }

    @Test
    void aDecisionWaitsForItsSlowestRefusingLimit() {
        RateLimitDecision decision = RateLimitDecision.of(false, List.of(
                new LimitOutcome(true, 10, 4, 500, 0, 100),
                new LimitOutcome(false, 3, 0, 900, 700, 600),
                new LimitOutcome(false, 5, 0, 300, 250, 250)));
        assertThat(decision.retryAfterMillis()).isEqualTo(700);
        assertThat(new LimitOutcome(true, 3, -2, 0, 0, 0).remaining()).isZero();
    }
}
