package dev.tollgate.internal.redis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RedisSettingsTest {

    @Test
    void anAddressNeedsARedisScheme() {
        assertThatIllegalArgumentException().isThrownBy(() -> RedisSettings.forAddress("localhost:6379"))
                .withMessage("address must start with redis:// or rediss:// (TLS), was localhost:6379");
        assertThat(RedisSettings.forAddress("rediss://cache.example:6380").address()).contains("rediss://cache.example:6380");
    }

    @Test
    void theOperationTimeoutCoversEveryAttempt() {
        RedisSettings settings = RedisSettings.forAddress("redis://h:1")
                .withTimeouts(Duration.ofMillis(200), 2, Duration.ofMillis(100));
        assertThat(settings.operationTimeout()).isEqualTo(Duration.ofMillis(3 * 200 + 2 * 100 + 50));
    }

    @Test
    void rejectsBadValuesWithTheValue() {
        RedisSettings base = RedisSettings.forAddress("redis://h:1");
        assertThatIllegalArgumentException().isThrownBy(() -> base.withKeyPrefix("my app"))
                .withMessage("keyPrefix must be non-empty and use only [A-Za-z0-9._:-], was 'my app'");
        assertThatIllegalArgumentException().isThrownBy(() -> base.withKeyPrefix("{x}"))
                .withMessageContaining("was '{x}'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> base.withTimeouts(Duration.ZERO, 1, Duration.ZERO))
                .withMessage("commandTimeout must be > 0, was PT0S");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RedisSettings(Optional.of("redis://h:1"), Optional.of("redisson.yaml"),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        RedisSettings.DEFAULT_TRUSTSTORE_TYPE, 0,
                        Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ZERO, "t"))
                .withMessage("exactly one of address and configFile must be set, was address=redis://h:1, "
                        + "configFile=redisson.yaml");
    }

    @Test
    void neverPrintsThePassword() {
        RedisSettings settings = new RedisSettings(Optional.of("redis://h:1"), Optional.empty(), Optional.of("app"),
                Optional.of("s3cret"), Optional.empty(), Optional.of("trust-s3cret"), "PKCS12", 0,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ZERO, "t");
        assertThat(settings.toString()).doesNotContain("s3cret").contains("password=***");
    }

    @Test
    void tollgatesOwnClientUsesHalfTheProcessorsForNettyNotRedissons32() {
        int processors = Runtime.getRuntime().availableProcessors();
        assertThat(RedissonClients.config(RedisSettings.forAddress("redis://h:1")).getNettyThreads())
                .isEqualTo(Math.max(1, processors / 2));
    }

    @Test
    void aRedissonYamlFileThatCannotBeReadIsReportedWithItsPath() {
        RedisSettings settings = new RedisSettings(Optional.empty(), Optional.of("/nonexistent/redisson.yaml"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "PKCS12", 0,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ZERO, "t");
        assertThatIllegalArgumentException().isThrownBy(() -> RedissonClients.config(settings))
                .withMessageStartingWith("Cannot read the Redisson configuration file /nonexistent/redisson.yaml");
    }
}
