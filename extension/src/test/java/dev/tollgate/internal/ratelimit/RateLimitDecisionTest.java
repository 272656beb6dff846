package dev.tollgate.internal.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A decision of one limit that follows its outcome is that outcome; any other decision holds its outcomes. */
class RateLimitDecisionTest {

    private static final LimitOutcome PERMITTED = new LimitOutcome(true, 10, 9, 1_000, 0, 1_000);
    private static final LimitOutcome REFUSED = new LimitOutcome(false, 10, 0, 1_000, 400, 400);

    @Test
    void aDecisionOfOneLimitThatFollowsItIsItsOutcome() {
        for (LimitOutcome outcome : List.of(PERMITTED, REFUSED)) {
            RateLimitDecision decision = RateLimitDecision.of(outcome.permitted(), List.of(outcome));
            assertThat(decision).isSameAs(outcome);
            assertThat(decision.permitted()).isEqualTo(outcome.permitted());
            assertThat(decision.outcomes()).containsExactly(outcome);
            assertThat(decision.outcome(0)).isSameAs(outcome);
            assertThat(decision.size()).isEqualTo(1);
            assertThat(decision.retryAfterMillis()).isEqualTo(outcome.permitted() ? 0 : 400);
            assertThatThrownBy(() -> decision.outcome(1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    /** A shadow limit's refusal does not refuse the call: that decision is not the outcome. */
    @Test
    void aDecisionThatDoesNotFollowItsOnlyOutcomeKeepsBoth() {
        RateLimitDecision decision = RateLimitDecision.of(true, List.of(REFUSED));
        assertThat(decision.permitted()).isTrue();
        assertThat(decision.outcomes()).containsExactly(REFUSED);
        assertThat(decision).isNotEqualTo(REFUSED).isEqualTo(RateLimitDecision.of(true, List.of(REFUSED)));
    }

    @Test
    void aDecisionOfSeveralLimitsWaitsForTheLongestRefusal() {
        LimitOutcome longer = new LimitOutcome(false, 5, 0, 2_000, 700, 700);
        RateLimitDecision decision = RateLimitDecision.of(false, List.of(PERMITTED, REFUSED, longer));
        assertThat(decision.size()).isEqualTo(3);
        assertThat(decision.outcome(2)).isSameAs(longer);
        assertThat(decision.retryAfterMillis()).isEqualTo(700);
        assertThat(decision).isEqualTo(RateLimitDecision.of(false, List.of(PERMITTED, REFUSED, longer)));
    }
}
