package dev.tollgate.internal.ratelimit;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.partition.PartitionKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GuardedMethodTest {

    private static final PartitionKey SHARED = call -> "";

    private static GuardedLimit limit(String name, boolean shadow, long maxWait) {
        return new GuardedLimit(new LimitSettings(name, LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, 1000), Map.of(),
                1, "", shadow, maxWait, dev.tollgate.RateLimit.FailureMode.LOCAL), SHARED);
    }

    private static RateLimitResult result(GuardedMethod method, boolean... permitted) {
        List<AppliedLimit> applied = method.limits().stream()
                .map(l -> new AppliedLimit(l.settings().name(), l.settings().policy())).toList();
        List<LimitOutcome> outcomes = new java.util.ArrayList<>();
        boolean all = true;
        for (boolean p : permitted) {
            outcomes.add(new LimitOutcome(p, 5, p ? 3 : 0, 500, p ? 0 : 500, 500));
            all &= p;
        }
        return new RateLimitResult(applied, RateLimitDecision.of(all, outcomes), true);
    }

    @Test
    void clientsSeeOnlyTheEnforcedLimits() {
        GuardedMethod mixed = GuardedMethod.of("m", List.of(limit("trial", true, 0), limit("real", false, 0)));
        RateLimitResult visible = mixed.visible(result(mixed, false, true));
        assertThat(visible.limits()).extracting(AppliedLimit::name).containsExactly("real");
        assertThat(visible.decision().permitted()).as("the shadow limit's refusal is not the client's").isTrue();

        GuardedMethod allShadow = GuardedMethod.of("m", List.of(limit("trial", true, 0)));
        assertThat(allShadow.visible(result(allShadow, true))).isNull();

        GuardedMethod noShadow = GuardedMethod.of("m", List.of(limit("a", false, 0), limit("b", false, 0)));
        RateLimitResult whole = result(noShadow, true, false);
        assertThat(noShadow.visible(whole)).isSameAs(whole);
    }

    @Test
    void aMethodWaitsOnlyAsLongAsEveryEnforcedLimitAllows() {
        GuardedMethod method = GuardedMethod.of("m", List.of(limit("a", false, 2000), limit("b", false, 500),
                limit("trial", true, 0)));
        assertThat(method.maxWaitMillis()).isEqualTo(500);
        assertThat(GuardedMethod.of("m", List.of(limit("trial", true, 900))).maxWaitMillis()).isZero();
    }
}
