package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BackendUnavailableMapperTest {

    @Test
    void isA503ThatNamesNoInternals() {
        BackendUnavailableException failure = new BackendUnavailableException(
                "Redis did not answer rate_limit.lua within 1000 ms: redis://10.1.2.3:6379 tollgate:rl:{p:x}:orders",
                new RuntimeException("Unable to acquire connection"));

        Response response = new BackendUnavailableMapper().toResponse(failure);

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(response.getMediaType()).hasToString("application/problem+json");
        String body = new String((byte[]) response.getEntity(), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("{\"type\":\"https://tollgate.dev/problems/rate-limit-unavailable\","
                + "\"title\":\"Service Unavailable\",\"status\":503,"
                + "\"detail\":\"The request's guard could not reach its store; retry shortly.\"}");
        assertThat(body).doesNotContain("redis://", "tollgate:rl", "rate_limit.lua", "connection");
    }
}
