package dev.tollgate.testing;

import java.nio.file.Path;

/**
 * Debian's {@code redis-server} (Redis 7.0 on Debian 12), for tests that want a Redis 7 next to embedded-redis's 6.2.
 * Installed once per machine by {@link DebianPackage}, without starting the system service: tests only ever run their
 * own process ({@link RedisServerProcess}).
 */
public final class DebianRedis {

    public static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");

    private DebianRedis() {
    }

    /** Debian's {@code /usr/bin/redis-server}, installed first if absent. */
    public static Path executable() {
        DebianPackage.install("redis-server", EXECUTABLE);
        return EXECUTABLE;
    }
}
