package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.ratelimit.RateLimitResults;
import dev.tollgate.internal.ratelimit.AppliedLimit;
import dev.tollgate.internal.ratelimit.RateLimitResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tollgate.internal.jaxrs.Fakes.attributes;
import static dev.tollgate.internal.jaxrs.Fakes.fixed;
import static dev.tollgate.internal.jaxrs.Fakes.permitted;
import static dev.tollgate.internal.jaxrs.Fakes.refused;
import static dev.tollgate.internal.jaxrs.Fakes.requestContext;
import static dev.tollgate.internal.jaxrs.Fakes.result;
import static dev.tollgate.internal.jaxrs.Fakes.servletRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class RateLimitResultsTest {

    private final RateLimitResult orders = result(List.of(fixed("orders", 10, 1_000)), permitted(10, 9, 500, 500));

    @Test
    void recordsTheResultAndWhenItWasDecidedAsARequestAttribute() {
        Map<String, Object> attributes = attributes();
        long before = System.currentTimeMillis();

        RateLimitResults.record(servletRequest(attributes), orders);

        RateLimitResults.Recorded recorded = RateLimitResults.recorded(attributes.get(RateLimitResults.ATTRIBUTE));
        assertThat(attributes).containsOnlyKeys("dev.tollgate.ratelimit.result");
        assertThat(recorded.result()).isEqualTo(orders);
        assertThat(recorded.decidedAtEpochMillis()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void withoutAnHttpRequestNothingHappens() {
        assertThatCode(() -> RateLimitResults.record(null, orders)).doesNotThrowAnyException();
    }

    @Test
    void nestedLimitedCallsAccumulateAndTheLatestOutcomeOfALimitWins() {
        Map<String, Object> attributes = attributes();
        RateLimitResults.record(servletRequest(attributes), result(
                List.of(fixed("resource", 10, 1_000), fixed("shared", 100, 60_000)),
                permitted(10, 9, 500, 500), permitted(100, 50, 30_000, 30_000)));
        RateLimitResults.record(servletRequest(attributes), result(
                List.of(fixed("shared", 100, 60_000), fixed("service", 5, 1_000)),
                permitted(100, 49, 30_000, 30_000), refused(5, 0, 700, 700, 700)));

        RateLimitResult merged = RateLimitResults.recorded(attributes.get(RateLimitResults.ATTRIBUTE)).result();
        assertThat(merged.limits()).extracting(AppliedLimit::name).containsExactly("resource", "shared", "service");
        assertThat(merged.decision().outcomes()).containsExactly(
                permitted(10, 9, 500, 500), permitted(100, 49, 30_000, 30_000), refused(5, 0, 700, 700, 700));
        assertThat(merged.decision().permitted()).isFalse();
        assertThat(merged.enforced()).isTrue();
    }
}
