package dev.tollgate.internal.redis;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tollgate.redis.password reaches the server: a protected server answers with it and refuses without it. */
class RedisAuthenticationTest {

    @Test
    void thePasswordIsSentAndRequired() throws IOException {
        Path conf = Files.createTempFile(Path.of("target"), "auth-", ".conf");
        Files.writeString(conf, "requirepass s3cret\n");
        try (RedisProcess redis = RedisProcess.start(conf)) {
            RedisSettings withPassword = new RedisSettings(Optional.of(redis.address()), Optional.empty(),
                    Optional.empty(), Optional.of("s3cret"), Optional.empty(), Optional.empty(),
                    RedisSettings.DEFAULT_TRUSTSTORE_TYPE, 0,
                    Duration.ofSeconds(1), Duration.ofSeconds(2), 0, Duration.ofMillis(100), "tollgate");
            try (RedisRateLimitBackend backend = RedisRateLimitBackend.connect(withPassword)) {
                assertThatCode(backend::ping).doesNotThrowAnyException();
            }
            RedisSettings withoutPassword = RedisSettings.forAddress(redis.address())
                    .withTimeouts(Duration.ofMillis(500), 0, Duration.ofMillis(100));
            try (RedisRateLimitBackend backend = RedisRateLimitBackend.connect(withoutPassword)) {
                assertThatThrownBy(backend::ping).isInstanceOf(BackendUnavailableException.class);
            }
        } finally {
            Files.deleteIfExists(conf);
        }
    }
}
