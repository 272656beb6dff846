package dev.tollgate.testing;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.core.RedisServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process for tests, started from the binary that embedded-redis ships, on a free
 * loopback port. The binary and the server's working directory live under {@code target/}, and {@link #close()}
 * stops the process and deletes both, so a test run leaves no process and no temporary directory behind.
 */
public final class RedisProcess implements AutoCloseable {

    private final RedisServer server;
    private final Path workDir;
    private final int port;

    private RedisProcess(RedisServer server, Path workDir, int port) {
        this.server = server;
        this.workDir = workDir;
        this.port = port;
    }

    /** Starts a server with persistence off. */
    public static RedisProcess start() {
        return start(null);
    }

    /**
     * Starts a server from {@code configFile} (when not {@code null}), with the port, bind address and working
     * directory of this process replacing the file's, and persistence off.
     */
    public static RedisProcess start(Path configFile) {
        Path workDir = null;
        try {
            // embedded-redis writes its generated configuration to java.io.tmpdir, which a build may point at a
            // directory that does not exist yet.
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
            Path base = Path.of("target", "embedded-redis").toAbsolutePath();
            Files.createDirectories(base);
            workDir = Files.createTempDirectory(base, "server-");
            int port = freePort();
            RedisServerBuilder builder = RedisServer.newRedisServer()
                    .executableProvider(ExecutableProvider.newJarResourceProvider(workDir.toFile()));
            if (configFile != null) {
                builder.configFile(configFile);
            }
            RedisServer server = builder
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("dir " + workDir)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .onShutdownForceStop(true)
                    .build();
            server.start();
            return new RedisProcess(server, workDir, port);
        } catch (IOException | RuntimeException e) {
            if (workDir != null) {
                deleteRecursively(workDir);
            }
            throw e instanceof IOException io ? new UncheckedIOException("Cannot start redis-server", io)
                    : (RuntimeException) e;
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>} */
    public String address() {
        return "redis://127.0.0.1:" + port;
    }

    /** A new plain connection for inspecting the server; the caller closes it. */
    public RedisInspector inspector() {
        return new RedisInspector("127.0.0.1", port);
    }

    /** Stops the process (simulating an outage when the test keeps using clients). */
    public void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (server.isActive()) {
                server.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteRecursively(workDir);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
