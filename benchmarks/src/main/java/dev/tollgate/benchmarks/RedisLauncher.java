package dev.tollgate.benchmarks;

import dev.tollgate.testing.RedisProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts the redis-server that embedded-redis ships (through the tests' {@link RedisProcess}: loopback, a free
 * port, no persistence), writes its port to {@code args[0]}, and keeps it running until {@code args[1]} exists, the
 * process is told to stop, or {@code args[2]} minutes have passed, whichever comes first.
 */
public final class RedisLauncher {

    private RedisLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Path portFile = Path.of(args[0]);
        Path stopFile = Path.of(args[1]);
        long deadline = System.nanoTime() + Duration.ofMinutes(Long.parseLong(args[2])).toNanos();
        RedisProcess redis = RedisProcess.start();
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
        Files.writeString(portFile, String.valueOf(redis.port()));
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        // the shutdown hook stops the server and deletes its directory
        System.exit(0);
    }
}
