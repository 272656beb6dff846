package dev.tollgate.testing;

import redis.embedded.core.ExecutableProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code redis-server} binaries tests run with {@link RedisServerProcess}. */
public enum RedisBinary {

    /** The one embedded-redis ships: Redis 6.2, built with TLS. */
    EMBEDDED_6_2,
    /** Debian's package {@code redis-server}: Redis 7.0 on Debian 12, installed when absent ({@link DebianRedis}). */
    DEBIAN_7;

    private static Path embedded;

    /** The executable, unpacked or installed on first use. */
    public Path executable() {
        return this == DEBIAN_7 ? DebianRedis.executable() : embedded();
    }

    private static synchronized Path embedded() {
        if (embedded == null) {
            try {
                Path dir = Path.of("target", "redis-servers", "embedded-bin").toAbsolutePath();
                Files.createDirectories(dir);
                embedded = ExecutableProvider.newJarResourceProvider(dir.toFile()).get().toPath();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot unpack embedded-redis's redis-server", e);
            }
        }
        return embedded;
    }
}
