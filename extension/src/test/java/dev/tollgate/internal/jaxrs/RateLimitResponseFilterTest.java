package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.ratelimit.RateLimitResults;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tollgate.internal.jaxrs.Fakes.attributes;
import static dev.tollgate.internal.jaxrs.Fakes.fixed;
import static dev.tollgate.internal.jaxrs.Fakes.permitted;
import static dev.tollgate.internal.jaxrs.Fakes.requestContext;
import static dev.tollgate.internal.jaxrs.Fakes.responseContext;
import static dev.tollgate.internal.jaxrs.Fakes.result;
import static dev.tollgate.internal.jaxrs.Fakes.servletRequest;
import static org.assertj.core.api.Assertions.assertThat;

class RateLimitResponseFilterTest {

    private final RateLimitResponseFilter filter = new RateLimitResponseFilter();

    @Test
    void addsEveryHeaderWhenAResultWasRecorded() {
        Map<String, Object> attributes = attributes();
        RateLimitResults.record(servletRequest(attributes),
                result(List.of(fixed("orders", 100, 60_000)), permitted(100, 99, 42_500, 42_500)));
        MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();

        filter.filter(requestContext(attributes), responseContext(headers));

        assertThat(headers.keySet()).containsExactlyInAnyOrder(
                "RateLimit-Policy", "RateLimit", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
        assertThat(headers.get("RateLimit")).containsExactly("\"orders\";r=99;t=43");
        assertThat(headers.get("RateLimit-Policy")).containsExactly("\"orders\";q=100;w=60");
        long resetSeconds = Long.parseLong((String) headers.getFirst("X-RateLimit-Reset"));
        assertThat(resetSeconds * 1000).isBetween(System.currentTimeMillis(), System.currentTimeMillis() + 44_000);
    }

    @Test
    void leavesResponsesWithoutARecordedResultAlone() {
        Map<String, Object> attributes = attributes();
        attributes.put(RateLimitResults.ATTRIBUTE, "not ours");
        MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();

        filter.filter(requestContext(attributes()), responseContext(headers));
        filter.filter(requestContext(attributes), responseContext(headers));

        assertThat(headers).isEmpty();
    }

    @Test
    void keepsHeadersTheApplicationSet() {
        Map<String, Object> attributes = attributes();
        RateLimitResults.record(servletRequest(attributes),
                result(List.of(fixed("orders", 100, 60_000)), permitted(100, 99, 42_500, 42_500)));
        MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();
        headers.add("X-RateLimit-Limit", "5000");

        filter.filter(requestContext(attributes), responseContext(headers));

        assertThat(headers.get("X-RateLimit-Limit")).containsExactly("5000");
        assertThat(headers.get("RateLimit")).hasSize(1);
    }
}
