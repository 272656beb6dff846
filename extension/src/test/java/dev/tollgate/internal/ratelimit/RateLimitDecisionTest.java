package dev.tollgate.internal.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A decision of one limit, kept without a list, is the same value as one built from a list of that outcome. */
class RateLimitDecisionTest {

    private static final LimitOutcome PERMITTED = new LimitOutcome(true, 10, 9, 1_000, 0, 1_000);
    private static final LimitOutcome REFUSED = new LimitOutcome(false, 10, 0, 1_000, 400, 400);

    @Test
    void aDecisionOfOneLimitIsTheValueOfItsListForm() {
        for (LimitOutcome outcome : List.of(PERMITTED, REFUSED)) {
            RateLimitDecision single = RateLimitDecision.of(outcome);
            RateLimitDecision listed = new RateLimitDecision(outcome.permitted(), List.of(outcome));
            assertThat(single).isEqualTo(listed).hasSameHashCodeAs(listed).hasToString(listed.toString());
            assertThat(single.permitted()).isEqualTo(outcome.permitted());
            assertThat(single.outcomes()).containsExactly(outcome);
            assertThat(single.outcome(0)).isSameAs(outcome);
            assertThat(single.size()).isEqualTo(1);
            assertThat(single.retryAfterMillis()).isEqualTo(listed.retryAfterMillis());
            assertThatThrownBy(() -> single.outcome(1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void aDecisionOfSeveralLimitsWaitsForTheLongestRefusal() {
        RateLimitDecision decision = new RateLimitDecision(false,
                List.of(PERMITTED, REFUSED, new LimitOutcome(false, 5, 0, 2_000, 700, 700)));
        assertThat(decision.size()).isEqualTo(3);
        assertThat(decision.retryAfterMillis()).isEqualTo(700);
        assertThat(decision).isNotEqualTo(RateLimitDecision.of(REFUSED));
    }
}
