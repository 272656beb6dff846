package dev.tollgate.example.it.payara;

import dev.tollgate.example.it.AbstractIdempotencyIT;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.OnPayara;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@OnPayara
class IdempotencyPayaraIT extends AbstractIdempotencyIT {

    @Test
    void callsAreCountedInMetrics() {
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/orders"))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"metered\"}")));
        }

        HttpResponse<String> metrics = Http.get(Http.serverRoot(base).resolve("/metrics?scope=application"));

        assertThat(metrics.body())
                .containsPattern("tollgate_idempotency_calls_total\\{[^}]*method=\"dev.tollgate.example"
                        + ".OrderResource/place\"[^}]*result=\"replayed\"[^}]*} [1-9]")
                .containsPattern("tollgate_idempotency_calls_total\\{[^}]*method=\"dev.tollgate.example"
                        + ".MessageSender/send\"[^}]*result=\"executed\"[^}]*}");
    }
}
