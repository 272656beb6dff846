package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Installs a Debian package a test needs (Debian's {@code redis-server}, {@code prometheus}), once per machine, as CI
 * allows (root, a fresh Debian, nothing running). While apt-get runs, a {@code policy-rc.d} that denies every service
 * start keeps the package from starting its own server (unless the machine has such a policy already, as Docker
 * images do): tests only ever run their own processes.
 */
public final class DebianPackage {

    private static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");

    private DebianPackage() {
    }

    /**
     * Runs {@code apt-get install -y --no-install-recommends <name>} (again after {@code apt-get update} if the first
     * attempt did not install it) unless every one of {@code executables} is there already.
     *
     * @throws IllegalStateException if they are absent and cannot be installed (not root, no network), with
     *                               apt-get's output
     */
    public static synchronized void install(String name, Path... executables) {
        if (installed(executables)) {
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
            String install = "apt-get install -y --no-install-recommends " + name;
            String output = run(List.of("sh", "-c", install), null).output();
            if (!installed(executables)) {
                // A fresh machine may not have the package lists yet.
                output += run(List.of("sh", "-c", "apt-get update && " + install), null).output();
            }
            if (!installed(executables)) {
                throw new IllegalStateException("Cannot install Debian's " + name + " (" + install
                        + ", as root); apt-get said:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot install Debian's " + name + " (as root): " + e, e);
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

    /** Runs {@code command} (in {@code directory}, or here if {@code null}), waits, and returns output and exit code. */
    public static Result run(List<String> command, Path directory) throws IOException {
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

    /** What a command printed (stdout and stderr) and how it exited. */
    public record Result(int exitCode, String output) {
    }

    private static boolean installed(Path... executables) {
        for (Path executable : executables) {
            if (!Files.isExecutable(executable)) {
                return false;
            }
        }
        return true;
    }
}
