package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} process started from a given binary with a configuration of the test's own, in a directory
 * under {@code target/redis-servers/}, listening on loopback only, with persistence off. {@link #close()} stops the
 * process (SIGTERM, then SIGKILL) and deletes the directory.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final int port;

    private RedisServerProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** A new empty directory under {@code target/redis-servers/} for a server's files. */
    public static Path newDirectory(String name) {
        try {
            Path base = Path.of("target", "redis-servers").toAbsolutePath();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code executable} in {@code dir} (which {@link #close()} deletes) with {@code configuration} appended
     * to this class's defaults, and waits until {@code port} accepts connections.
     *
     * @param configuration redis.conf lines: at least the port ({@code port N}, or {@code port 0} and
     *                      {@code tls-port N}); may {@code include} other files
     */
    public static RedisServerProcess start(Path executable, Path dir, int port, String configuration) {
        return start(executable, dir, port, configuration, List.of());
    }

    /**
     * As {@link #start(Path, Path, int, String)}, with command-line arguments after the configuration file's path,
     * e.g. {@code --sentinel} to run the binary as a Redis Sentinel.
     */
    public static RedisServerProcess start(Path executable, Path dir, int port, String configuration,
                                           List<String> arguments) {
        Process process = null;
        try {
            Path conf = dir.resolve("redis.conf");
            Files.writeString(conf, String.join("\n", "bind 127.0.0.1", "protected-mode yes", "daemonize no",
                    "dir " + dir, "save \"\"", "appendonly no", "logfile \"\"", configuration, ""));
            Path log = dir.resolve("redis.log");
            List<String> command = new ArrayList<>(List.of(executable.toString(), conf.toString()));
            command.addAll(arguments);
            process = new ProcessBuilder(command)
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!accepts(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String output = Files.readString(log);
                    process.destroyForcibly();
                    throw new IllegalStateException(executable + " did not start on port " + port + ":\n" + output);
                }
                Thread.sleep(20);
            }
            return new RedisServerProcess(process, dir, port);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            deleteDirectory(dir);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException("Cannot start " + executable, e);
        }
    }

    public int port() {
        return port;
    }

    /** What the server logged so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A free TCP port on loopback, as the kernel hands one out. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free port for a cluster node: its cluster bus listens on the port plus 10,000, which must be a port too and
     * free as well (CI once saw a node abort because another process held the bus port).
     */
    public static int freeClusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort();
            if (port + 10_000 <= 65_535 && isFree(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port p with p + 10000 free on loopback after 100 tries");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kills the process at once (SIGKILL: no shutdown, no final replication) and waits until it is gone; its
     * directory stays until {@link #close()}.
     */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteDirectory(dir);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    public static void deleteDirectory(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            all.sort(Comparator.reverseOrder());
            all.forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
