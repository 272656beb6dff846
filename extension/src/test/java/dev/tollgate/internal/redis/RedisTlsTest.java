package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.config.DeploymentProblems;
import dev.tollgate.internal.config.RedisSettingsReader;
import dev.tollgate.internal.idempotency.ClaimOutcome.State;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.testing.PrivateCa;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code rediss://} with {@code tollgate.redis.truststore}, against a real TLS {@code redis-server} (embedded-redis's
 * 6.2 and Debian's 7.0) whose certificate a private CA made for the test signed: decisions and idempotency work, and
 * without the CA (no trust store, or a trust store of another CA) there is no connection at all.
 */
class RedisTlsTest {

    private static final long MINUTE = 60_000;
    private static Path dir;
    private static Path truststore;
    private static Path otherCaTruststore;
    private static Path caCertificate;
    private static Path serverCertificate;
    private static Path serverKey;

    @BeforeAll
    static void certificates() {
        dir = RedisServerProcess.newDirectory("tls-certificates");
        PrivateCa ca = PrivateCa.create(dir, "Tollgate Test CA");
        List<Path> server = ca.issueServerCertificate();
        serverCertificate = server.get(0);
        serverKey = server.get(1);
        caCertificate = ca.certificate();
        truststore = ca.truststore(dir.resolve("truststore.p12"), "PKCS12", "trust-s3cret");
        otherCaTruststore = PrivateCa.create(dir, "Another CA").truststore(dir.resolve("other.p12"), "PKCS12",
                "trust-s3cret");
    }

    @AfterAll
    static void deleteCertificates() {
        RedisServerProcess.deleteDirectory(dir);
    }

    @ParameterizedTest
    @EnumSource(RedisBinary.class)
    void decisionsAndIdempotencyGoOverTlsWithThePrivateCa(RedisBinary binary) {
        try (RedisServerProcess redis = start(binary)) {
            RedisSettings settings = settings(redis.port(), Map.of(
                    "tollgate.redis.truststore", truststore.toString(),
                    "tollgate.redis.truststore-password", "trust-s3cret"));
            try (RedisRateLimitBackend backend = RedisRateLimitBackend.connect(settings);
                 RedisIdempotencyStore store = RedisIdempotencyStore.connect(settings)) {
                backend.ping();
                List<LimitRequest> limit = List.of(new LimitRequest("tls", "user",
                        LimitPolicy.window(Algorithm.SLIDING_WINDOW, 2, MINUTE), 1));
                assertThat(backend.acquire(limit).permitted()).isTrue();
                assertThat(backend.acquire(limit).permitted()).isTrue();
                assertThat(backend.acquire(limit).permitted()).isFalse();
                assertThat(store.claim("key", "fp", "owner", MINUTE).state()).isEqualTo(State.CLAIMED);
                assertThat(store.complete("key", "owner", "done".getBytes(StandardCharsets.UTF_8), MINUTE)).isTrue();
                assertThat(store.claim("key", "fp", "other", MINUTE).state()).isEqualTo(State.COMPLETED);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RedisBinary.class)
    void withoutTheCaThereIsNoConnection(RedisBinary binary) {
        try (RedisServerProcess redis = start(binary)) {
            // rediss:// without a trust store trusts what the JDK trusts, which is not this CA
            assertRefused(settings(redis.port(), Map.of()));
            assertRefused(settings(redis.port(), Map.of("tollgate.redis.truststore", otherCaTruststore.toString(),
                    "tollgate.redis.truststore-password", "trust-s3cret")));
            // and there is no plain-text port to fall back to
            assertRefused(RedisSettings.forAddress("redis://127.0.0.1:" + redis.port())
                    .withTimeouts(java.time.Duration.ofMillis(500), 0, java.time.Duration.ofMillis(100)));
        }
    }

    private static void assertRefused(RedisSettings settings) {
        try (RedisRateLimitBackend backend = RedisRateLimitBackend.connect(settings)) {
            assertThatThrownBy(backend::ping).as("%s", settings).isInstanceOf(BackendUnavailableException.class);
            assertThatThrownBy(() -> backend.acquire(List.of(new LimitRequest("tls", "user",
                    LimitPolicy.window(Algorithm.FIXED_WINDOW, 2, MINUTE), 1))))
                    .isInstanceOf(BackendUnavailableException.class);
        }
    }

    /** TLS only ({@code port 0}), the certificate the private CA signed, no client certificates asked for. */
    private static RedisServerProcess start(RedisBinary binary) {
        int port = RedisServerProcess.freePort();
        return RedisServerProcess.start(binary.executable(), RedisServerProcess.newDirectory("tls"), port,
                String.join("\n", "port 0", "tls-port " + port, "tls-cert-file " + serverCertificate,
                        "tls-key-file " + serverKey, "tls-ca-cert-file " + caCertificate, "tls-auth-clients no"));
    }

    private static RedisSettings settings(int port, Map<String, String> more) {
        Map<String, String> values = new HashMap<>(more);
        values.put("tollgate.redis.address", "rediss://127.0.0.1:" + port);
        values.put("tollgate.redis.command-timeout", "500");
        DeploymentProblems problems = new DeploymentProblems();
        Optional<RedisSettings> settings = RedisSettingsReader.read(key -> Optional.ofNullable(values.get(key)),
                problems);
        assertThat(problems.messages()).isEmpty();
        return settings.orElseThrow();
    }
}
