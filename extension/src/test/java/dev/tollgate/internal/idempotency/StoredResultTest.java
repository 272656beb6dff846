package dev.tollgate.internal.idempotency;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredResultTest {

    @Test
    void aResponseRoundTripsByteForByte() {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        var response = new StoredResult.Response(201, List.of(Map.entry("Location", "/orders/1"),
                Map.entry("Link", "<a>"), Map.entry("Link", "<b>"), Map.entry("Content-Type", "application/json")),
                body);

        var decoded = (StoredResult.Response) StoredResult.decode(response.encode());

        assertThat(decoded.status()).isEqualTo(201);
        assertThat(decoded.headers()).isEqualTo(response.headers());
        assertThat(decoded.body()).isEqualTo(body);
    }

    @Test
    void valuesFailuresAndOversizedResponsesRoundTrip() {
        byte[] json = "[{\"id\":\"ü\"}]".getBytes(StandardCharsets.UTF_8);
        assertThat(((StoredResult.Value) StoredResult.decode(new StoredResult.Value(json).encode())).json())
                .isEqualTo(json);
        assertThat(StoredResult.decode(new StoredResult.Failure("com.acme.Declined", "no").encode()))
                .isEqualTo(new StoredResult.Failure("com.acme.Declined", "no"));
        assertThat(StoredResult.decode(new StoredResult.Failure("com.acme.Declined", null).encode()))
                .isEqualTo(new StoredResult.Failure("com.acme.Declined", null));
        assertThat(StoredResult.decode(new StoredResult.Oversized(200, 5_000_000).encode()))
                .isEqualTo(new StoredResult.Oversized(200, 5_000_000));
    }

    @Test
    void unknownBytesAreRefused() {
        assertThatThrownBy(() -> StoredResult.decode(new byte[] {'X'})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> StoredResult.decode(new byte[] {'H', 0})).isInstanceOf(IllegalStateException.class);
    }
}
