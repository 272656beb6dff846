package dev.tollgate.internal.config;

import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.testing.PrivateCa;
import dev.tollgate.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** tollgate.redis.* as a deployment reads it: credentials and the TLS trust store, checked before anything connects. */
class RedisSettingsReaderTest {

    private static Path dir;
    private static PrivateCa ca;

    @BeforeAll
    static void ca() {
        dir = RedisServerProcess.newDirectory("truststores");
        ca = PrivateCa.create(dir, "Reader Test CA");
    }

    @AfterAll
    static void delete() {
        RedisServerProcess.deleteDirectory(dir);
    }

    @Test
    void readsCredentialsAndATrustStoreOfEitherType() {
        Path pkcs12 = ca.truststore(dir.resolve("trust.p12"), "PKCS12", "pw-123456");
        Path jks = ca.truststore(dir.resolve("trust.jks"), "JKS", "pw-123456");
        RedisSettings settings = read(Map.of("tollgate.redis.address", "rediss://cache:6380",
                "tollgate.redis.username", "tollgate", "tollgate.redis.password", "s3cret",
                "tollgate.redis.truststore", pkcs12.toString(), "tollgate.redis.truststore-password", "pw-123456"),
                List.of());
        assertThat(settings.username()).contains("tollgate");
        assertThat(settings.password()).contains("s3cret");
        assertThat(settings.truststoreType()).isEqualTo("PKCS12");
        RedisSettings fromJks = read(Map.of("tollgate.redis.address", "rediss://cache:6380",
                "tollgate.redis.truststore", jks.toUri().toString(), "tollgate.redis.truststore-password", "pw-123456",
                "tollgate.redis.truststore-type", "JKS"), List.of());
        assertThat(fromJks.truststoreType()).isEqualTo("JKS");
        assertThat(fromJks.truststore()).contains(jks.toUri().toString());
    }

    @Test
    void aTrustStoreThatCannotBeUsedFailsTheDeploymentNamingIt() throws IOException, GeneralSecurityException {
        Path store = ca.truststore(dir.resolve("named.p12"), "PKCS12", "right-password");
        Path missing = dir.resolve("missing.p12");
        read(Map.of("tollgate.redis.address", "rediss://cache:6380", "tollgate.redis.truststore",
                        missing.toString()),
                List.of("Invalid tollgate.redis.truststore: Cannot read the trust store " + missing
                        + ": no such file"));
        read(Map.of("tollgate.redis.address", "rediss://cache:6380", "tollgate.redis.truststore", store.toString(),
                        "tollgate.redis.truststore-password", "wrong"),
                List.of("Invalid tollgate.redis.truststore: Cannot read the trust store " + store
                        + " as PKCS12 (wrong password or type?): keystore password was incorrect"));
        read(Map.of("tollgate.redis.address", "rediss://cache:6380", "tollgate.redis.truststore", store.toString(),
                        "tollgate.redis.truststore-password", "right-password",
                        "tollgate.redis.truststore-type", "NOPE"),
                List.of("Invalid tollgate.redis.truststore: Unknown trust store type NOPE for " + store));
        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a key store");
        assertThat(problems(Map.of("tollgate.redis.address", "rediss://cache:6380",
                "tollgate.redis.truststore", garbage.toString())))
                .singleElement().asString().startsWith("Invalid tollgate.redis.truststore: Cannot read the trust store "
                        + garbage + " as PKCS12 (wrong password or type?)");
        Path empty = dir.resolve("empty.p12");
        try (OutputStream out = Files.newOutputStream(empty)) {
            KeyStore nothing = KeyStore.getInstance("PKCS12");
            nothing.load(null, null);
            nothing.store(out, "pw-123456".toCharArray());
        }
        read(Map.of("tollgate.redis.address", "rediss://cache:6380", "tollgate.redis.truststore", empty.toString(),
                        "tollgate.redis.truststore-password", "pw-123456"),
                List.of("Invalid tollgate.redis.truststore: The trust store " + empty + " holds no certificate"));
    }

    @Test
    void aTrustStoreNeedsATlsAddress() {
        Path store = ca.truststore(dir.resolve("plain.p12"), "PKCS12", "pw-123456");
        read(Map.of("tollgate.redis.address", "redis://cache:6379", "tollgate.redis.truststore", store.toString()),
                List.of("Invalid tollgate.redis settings: truststore is only used with a rediss:// (TLS) address, was"
                        + " redis://cache:6379"));
        read(Map.of("tollgate.redis.config-file", "redisson.yaml", "tollgate.redis.truststore", store.toString()),
                List.of("Invalid tollgate.redis settings: truststore does not apply to a configuration file: set"
                        + " sslTruststore in redisson.yaml"));
    }

    private static RedisSettings read(Map<String, String> values, List<String> expectedProblems) {
        DeploymentProblems problems = new DeploymentProblems();
        Optional<RedisSettings> settings = RedisSettingsReader.read(key -> Optional.ofNullable(values.get(key)),
                problems);
        assertThat(problems.messages()).containsExactlyElementsOf(expectedProblems);
        return settings.orElse(null);
    }

    private static List<String> problems(Map<String, String> values) {
        DeploymentProblems problems = new DeploymentProblems();
        RedisSettingsReader.read(key -> Optional.ofNullable(new HashMap<>(values).get(key)), problems);
        return problems.messages();
    }
}
