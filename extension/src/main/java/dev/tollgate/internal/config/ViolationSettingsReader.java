package dev.tollgate.internal.config;

import dev.tollgate.internal.violations.ViolationSettings;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads {@code tollgate.violations.*}: {@code enabled} (default {@code true}), {@code period} (default one minute, at
 * least a second, at most a day), {@code top} (partitions kept per limiter and period, default 1,000, at most
 * 100,000), {@code persistent-threshold} (default 100) and {@code identities} (default {@code false}).
 */
public final class ViolationSettingsReader {

    static final String PREFIX = "tollgate.violations.";

    private ViolationSettingsReader() {
    }

    public static ViolationSettings read(ConfigValues config, DeploymentProblems problems) {
        boolean enabled = bool(config, PREFIX + "enabled", true, problems);
        Duration period = GlobalSettings.duration(config, PREFIX + "period", problems);
        long periodMillis = ViolationSettings.DEFAULT_PERIOD_MILLIS;
        if (period != null) {
            if (period.toMillis() < 1_000 || period.toMillis() > 86_400_000) {
                problems.add("Invalid " + PREFIX + "period: must be between 1 second and 1 day, was " + period);
            } else {
                periodMillis = period.toMillis();
            }
        }
        long top = GlobalSettings.number(config, PREFIX + "top", ViolationSettings.DEFAULT_TOP, 1, 100_000, problems);
        long threshold = GlobalSettings.number(config, PREFIX + "persistent-threshold",
                ViolationSettings.DEFAULT_THRESHOLD, 1, Long.MAX_VALUE, problems);
        boolean identities = bool(config, PREFIX + "identities", false, problems);
        return new ViolationSettings(enabled, periodMillis, (int) top, threshold, identities);
    }

    private static boolean bool(ConfigValues config, String key, boolean fallback, DeploymentProblems problems) {
        Optional<String> value = config.get(key).map(v -> v.trim().toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            return fallback;
        }
        if (!value.get().equals("true") && !value.get().equals("false")) {
            problems.add("Invalid " + key + ": must be true or false, was '" + config.get(key).orElse("") + "'");
            return fallback;
        }
        return Boolean.parseBoolean(value.get());
    }
}
