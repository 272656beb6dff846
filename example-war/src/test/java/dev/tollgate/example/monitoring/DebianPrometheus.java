package dev.tollgate.example.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's {@code prometheus} package (Prometheus 2.42 on Debian 12), which ships both {@code prometheus} and
 * {@code promtool}. Installed here, once per machine, the way the extension's {@code DebianRedis} installs
 * {@code redis-server} and as CI allows (root, a fresh Debian, nothing running): while apt-get runs, a
 * {@code policy-rc.d} that denies every service start keeps the package from starting its own Prometheus (unless the
 * machine has such a policy already, as Docker images do). Tests only ever run their own process
 * ({@link PrometheusProcess}).
 */
public final class DebianPrometheus {

    public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");

    private DebianPrometheus() {
    }

    /** {@code /usr/bin/prometheus}, installed first if absent (see {@link #install()}). */
    public static Path prometheus() {
        install();
        return PROMETHEUS;
    }

    /** {@code /usr/bin/promtool}, installed first if absent (see {@link #install()}). */
    public static Path promtool() {
        install();
        return PROMTOOL;
    }

    /**
     * Runs {@code apt-get install -y --no-install-recommends prometheus} (after {@code apt-get update} if the first
     * attempt did not install it) unless both executables are there.
     *
     * @throws IllegalStateException if they are absent and cannot be installed (not root, no network), with
     *                               apt-get's output
     */
    public static synchronized void install() {
        if (Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL)) {
            return;
        }
        boolean ownPolicy = false;
        try {
            if (!Files.exists(POLICY_RC_D)) {
                Files.writeString(POLICY_RC_D, "#!/bin/sh\n# Tollgate's tests: no service starts while apt-get runs\n"
                        + "exit 101\n");
                POLICY_RC_D.toFile().setExecutable(true);
                ownPolicy = true;
            }
            String install = "apt-get install -y --no-install-recommends prometheus";
            String output = run(List.of("sh", "-c", install));
            if (!Files.isExecutable(PROMETHEUS)) {
                // A fresh machine may not have the package lists yet.
                output += run(List.of("sh", "-c", "apt-get update && " + install));
            }
            if (!Files.isExecutable(PROMETHEUS) || !Files.isExecutable(PROMTOOL)) {
                throw new IllegalStateException("Cannot install Debian's prometheus (" + install
                        + ", as root); apt-get said:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot install Debian's prometheus (as root): " + e, e);
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

    /** Runs {@code command}, waits for it, and returns its output (stdout and stderr) and exit code. */
    static Result run(List<String> command, Path directory) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            return new Result(process.waitFor(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String run(List<String> command) throws IOException {
        return run(command, null).output();
    }

    /** What a command printed and how it exited. */
    record Result(int exitCode, String output) {
    }
}
