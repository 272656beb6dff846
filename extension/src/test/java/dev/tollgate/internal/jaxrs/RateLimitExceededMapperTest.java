package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.ratelimit.RateLimitResults;
import dev.tollgate.RateLimitExceededException;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tollgate.internal.jaxrs.Fakes.attributes;
import static dev.tollgate.internal.jaxrs.Fakes.fixed;
import static dev.tollgate.internal.jaxrs.Fakes.permitted;
import static dev.tollgate.internal.jaxrs.Fakes.refused;
import static dev.tollgate.internal.jaxrs.Fakes.requestContext;
import static dev.tollgate.internal.jaxrs.Fakes.responseContext;
import static dev.tollgate.internal.jaxrs.Fakes.result;
import static dev.tollgate.internal.jaxrs.Fakes.servletRequest;
import static dev.tollgate.internal.jaxrs.Fakes.sliding;
import static org.assertj.core.api.Assertions.assertThat;

class RateLimitExceededMapperTest {

    private final RateLimitExceededMapper mapper = new RateLimitExceededMapper();

    @Test
    void isA429WithRetryAfterAndAProblemBody() {
        Response response = mapper.toResponse(new RateLimitExceededException("orders", Duration.ofMillis(2_500)));

        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("3");
        assertThat(response.getMediaType()).hasToString("application/problem+json");
        assertThat(response.getEntity()).isInstanceOf(byte[].class);
        assertThat(body(response)).isEqualTo(new RateLimitProblem("orders", 3).toJson())
                .contains("\"retryAfter\":3", "retry after 3 seconds");
    }

    @Test
    void aZeroWaitStillAsksForOneSecond() {
        Response response = mapper.toResponse(new RateLimitExceededException("orders", Duration.ZERO));

        assertThat(response.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(body(response)).contains("\"retryAfter\":1");
    }

    @Test
    void theBodyIsUtf8AndEscaped() {
        Response response = mapper.toResponse(new RateLimitExceededException("naïve \"quoted\"\n", Duration.ofSeconds(1)));

        assertThat(body(response)).contains("\"limiter\":\"naïve \\\"quoted\\\"\\n\"");
    }

    @Test
    void theFilterAddsTheRateLimitHeadersToTheMappedResponse() {
        Map<String, Object> attributes = attributes();
        RateLimitResults.record(servletRequest(attributes), result(
                List.of(sliding("per-minute", 60, 60_000), fixed("daily", 1_000, 86_400_000)),
                refused(60, 0, 59_000, 4_200, 1_100), permitted(1_000, 958, 37_000_500, 37_000_500)));
        Response response = mapper.toResponse(new RateLimitExceededException("per-minute", Duration.ofMillis(4_200)));

        new RateLimitResponseFilter().filter(requestContext(attributes), responseContext(response.getMetadata()));

        MultivaluedMap<String, Object> headers = response.getMetadata();
        assertThat(headers.getFirst("Retry-After")).isEqualTo("5");
        assertThat(headers.getFirst("RateLimit-Policy")).isEqualTo("\"per-minute\";q=60;w=60, \"daily\";q=1000;w=86400");
        assertThat(headers.getFirst("RateLimit")).isEqualTo("\"per-minute\";r=0;t=2, \"daily\";r=958;t=37001");
        assertThat(headers.getFirst("X-RateLimit-Limit")).isEqualTo("60");
        assertThat(headers.getFirst("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(headers.getFirst("X-RateLimit-Reset")).isNotNull();
    }

    @Test
    void withoutARecordedResultTheResponseHasNoRateLimitHeaders() {
        Response response = mapper.toResponse(new RateLimitExceededException("orders", Duration.ofSeconds(7)));

        new RateLimitResponseFilter().filter(requestContext(attributes()), responseContext(response.getMetadata()));

        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getMetadata().keySet()).containsExactlyInAnyOrder("Retry-After", "Content-Type");
    }

    private static String body(Response response) {
        return new String((byte[]) response.getEntity(), StandardCharsets.UTF_8);
    }
}
