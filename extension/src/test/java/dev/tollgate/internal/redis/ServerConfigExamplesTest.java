package dev.tollgate.internal.redis;

import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.redisson.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redisson YAML examples in server-config/ are read by this Redisson as the mode they claim to be. */
class ServerConfigExamplesTest {

    @ParameterizedTest
    @CsvSource({"single.yaml, single", "sentinel.yaml, sentinel", "cluster.yaml, cluster"})
    void everyExampleParses(String file, String mode) {
        Path yaml = Path.of("..", "server-config", "redisson", file).toAbsolutePath().normalize();
        assertThat(yaml).exists();
        RedisSettings settings = new RedisSettings(Optional.empty(), Optional.of(yaml.toString()), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), "PKCS12", 0, Duration.ofMillis(500),
                Duration.ofSeconds(2), 1, Duration.ofMillis(100), "tollgate");
        Config config = RedissonClients.config(settings);
        assertThat(config.isSingleConfig()).isEqualTo(mode.equals("single"));
        assertThat(config.isSentinelConfig()).isEqualTo(mode.equals("sentinel"));
        assertThat(config.isClusterConfig()).isEqualTo(mode.equals("cluster"));
        assertThat(config.isLazyInitialization()).isTrue();
    }

    @Test
    void theRedisConfExampleStartsARealServerThatKeepsItsMemoryPolicy() {
        Path conf = Path.of("..", "server-config", "redis", "redis.conf").toAbsolutePath().normalize();
        try (RedisProcess redis = RedisProcess.start(conf); RedisInspector inspector = redis.inspector()) {
            assertThat(inspector.call("CONFIG", "GET", "maxmemory-policy"))
                    .isEqualTo(java.util.List.of("maxmemory-policy", "volatile-ttl"));
            try (RedisRateLimitBackend backend = RedisRateLimitBackend.connect(RedisSettings.forAddress(redis.address()))) {
                backend.ping();
            }
        }
    }
}
