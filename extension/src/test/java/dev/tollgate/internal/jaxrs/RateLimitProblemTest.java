package dev.tollgate.internal.jaxrs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitProblemTest {

    @Test
    void isAnRfc9457ProblemWithTwoExtensionMembers() {
        assertThat(new RateLimitProblem("com.acme.Orders/create", 30).toJson()).isEqualTo(
                "{\"type\":\"https://tollgate.dev/problems/rate-limit-exceeded\",\"title\":\"Too Many Requests\","
                        + "\"status\":429,\"detail\":\"Rate limit exceeded for com.acme.Orders/create; retry after 30 seconds\","
                        + "\"limiter\":\"com.acme.Orders/create\",\"retryAfter\":30}");
    }

    @Test
    void oneSecondIsSingular() {
        assertThat(new RateLimitProblem("a", 1).toJson()).contains("\"detail\":\"Rate limit exceeded for a; retry after 1 second\"");
    }

    @Test
    void namesAreEscapedAsJsonStrings() {
        assertThat(json("quote\"back\\slash/")).isEqualTo("\"quote\\\"back\\\\slash/\"");
        assertThat(json("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
        assertThat(json("\u0000\u0001\u001f\u007f")).isEqualTo("\"\\u0000\\u0001\\u001f\u007f\"");
        assertThat(json("line\u2028para\u2029")).isEqualTo("\"line\\u2028para\\u2029\"");
        assertThat(json("café 😀")).as("valid Unicode passes through").isEqualTo("\"café 😀\"");
        assertThat(json("lone \ud800 and \udc00")).isEqualTo("\"lone \\ud800 and \\udc00\"");

        String body = new RateLimitProblem("evil\",\"status\":200,\"x\":\"", 5).toJson();
        assertThat(body).contains("\"limiter\":\"evil\\\",\\\"status\\\":200,\\\"x\\\":\\\"\"")
                .containsOnlyOnce("\"status\":");
    }

    private static String json(String value) {
        StringBuilder out = new StringBuilder();
        RateLimitProblem.appendString(out, value);
        return out.toString();
    }
}
