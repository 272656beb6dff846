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

    private volatile RedisServer server;
    private final Path workDir;
    private final int port;
    private final Path configFile;
    private long frozenPid;

    private RedisProcess(RedisServer server, Path workDir, int port, Path configFile) {
        this.server = server;
        this.workDir = workDir;
        this.port = port;
        this.configFile = configFile;
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
            RedisServer server = server(configFile, workDir, port);
            server.start();
            return new RedisProcess(server, workDir, port, configFile);
        } catch (IOException | RuntimeException e) {
            if (workDir != null) {
                deleteRecursively(workDir);
            }
            throw e instanceof IOException io ? new UncheckedIOException("Cannot start redis-server", io)
                    : (RuntimeException) e;
        }
    }

    private static RedisServer server(Path configFile, Path workDir, int port) throws IOException {
        RedisServerBuilder builder = RedisServer.newRedisServer()
                .executableProvider(ExecutableProvider.newJarResourceProvider(workDir.toFile()));
        if (configFile != null) {
            builder.configFile(configFile);
        }
        return builder
                .bind("127.0.0.1")
                .port(port)
                .setting("dir " + workDir)
                .setting("save \"\"")
                .setting("appendonly no")
                .onShutdownForceStop(true)
                .build();
    }

    /** The server process's id, from {@code INFO server}. */
    public long pid() {
        try (RedisInspector inspector = inspector()) {
            for (String line : ((String) inspector.call("INFO", "server")).split("\r\n")) {
                if (line.startsWith("process_id:")) {
                    return Long.parseLong(line.substring("process_id:".length()).trim());
                }
            }
        }
        throw new IllegalStateException("INFO server named no process_id");
    }

    /**
     * Freezes the server with {@code SIGSTOP}: connections stay open and commands are accepted by the kernel but
     * never answered, as with a stalled or partitioned Redis. {@link #thaw} resumes it.
     */
    public synchronized void freeze() {
        long pid = pid();
        signal("STOP", pid);
        frozenPid = pid;
    }

    /** Resumes a server frozen by {@link #freeze} ({@code SIGCONT}); it then answers what was queued. */
    public synchronized void thaw() {
        if (frozenPid > 0) {
            signal("CONT", frozenPid);
            frozenPid = 0;
        }
    }

    /** Kills the server at once ({@code SIGKILL}), as a crash would; {@link #restart} starts a new one. */
    public void kill() {
        long pid = pid();
        signal("KILL", pid);
        ProcessHandle.of(pid).ifPresent(handle -> handle.onExit().join());
        try {
            server.stop(); // lets embedded-redis forget the dead process
        } catch (IOException | RuntimeException ignored) {
            // already gone
        }
    }

    /** Starts a new, empty server on the same port, after {@link #kill} or {@link #stop}. */
    public void restart() {
        try {
            RedisServer next = server(configFile, workDir, port);
            next.start();
            server = next;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restart redis-server on port " + port, e);
        }
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
            thaw(); // a frozen server would not act on the shutdown that stop() sends
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
