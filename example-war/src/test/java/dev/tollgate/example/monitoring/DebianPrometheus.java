package dev.tollgate.example.monitoring;

import dev.tollgate.testing.DebianPackage;

import java.nio.file.Path;

/**
 * Debian's {@code prometheus} package (Prometheus 2.42 on Debian 12), which ships both {@code prometheus} and
 * {@code promtool}. Installed once per machine by {@link DebianPackage}, without starting its service: tests only ever
 * run their own process ({@link PrometheusProcess}).
 */
public final class DebianPrometheus {

    public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private DebianPrometheus() {
    }

    /** {@code /usr/bin/prometheus}, installed first if absent. */
    public static Path prometheus() {
        DebianPackage.install("prometheus", PROMETHEUS, PROMTOOL);
        return PROMETHEUS;
    }

    /** {@code /usr/bin/promtool}, installed first if absent. */
    public static Path promtool() {
        DebianPackage.install("prometheus", PROMETHEUS, PROMTOOL);
        return PROMTOOL;
    }
}
