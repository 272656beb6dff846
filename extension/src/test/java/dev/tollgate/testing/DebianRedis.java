package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's {@code redis-server} (Redis 7.0 on Debian 12), for tests that want a Redis 7 next to embedded-redis's 6.2.
 * It is installed here, once per machine, as CI (root, a fresh Debian, nothing running) allows; the system service is
 * not started, and tests only ever run their own process ({@link RedisServerProcess}).
 */
public final class DebianRedis {

    public static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");
    private static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");

    private DebianRedis() {
    }

    /**
     * Debian's {@code /usr/bin/redis-server}, installed with
     * {@code apt-get install -y --no-install-recommends redis-server} if absent. While apt-get runs, a
     * {@code policy-rc.d} that denies every service start keeps the package from starting its own server (unless
     * the machine has one already, as Docker images do).
     *
     * @throws IllegalStateException if it is absent and cannot be installed (not root, no network), with apt-get's
     *                               output
     */
    public static synchronized Path executable() {
        if (Files.isExecutable(EXECUTABLE)) {
            return EXECUTABLE;
        }
        boolean ownPolicy = false;
        try {
            if (!Files.exists(POLICY_RC_D)) {
                Files.writeString(POLICY_RC_D, "#!/bin/sh\n# Tollgate's tests: no service starts while apt-get runs\n"
                        + "exit 101\n");
                POLICY_RC_D.toFile().setExecutable(true);
                ownPolicy = true;
            }
            String install = "apt-get install -y --no-install-recommends redis-server";
            String output = run(List.of("sh", "-c", install));
            if (!Files.isExecutable(EXECUTABLE)) {
                // A fresh machine may not have the package lists yet.
                output += run(List.of("sh", "-c", "apt-get update && " + install));
            }
            if (!Files.isExecutable(EXECUTABLE)) {
                throw new IllegalStateException("Cannot install Debian's redis-server (" + install
                        + ", as root); apt-get said:\n" + output);
            }
            return EXECUTABLE;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot install Debian's redis-server (as root): " + e, e);
        } finally {
            if (ownPolicy) {
                try {
                    Files.deleteIfExists(POLICY_RC_D);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static String run(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return output;
    }
}
