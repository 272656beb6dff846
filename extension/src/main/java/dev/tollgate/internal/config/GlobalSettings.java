package dev.tollgate.internal.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Parses the {@code tollgate.*} settings that are not annotation members: durations (milliseconds, or ISO-8601
 * such as {@code PT0.5S}) and bounded whole numbers. A value that does not parse or is out of range is reported to
 * {@link DeploymentProblems} and the fallback is returned, so every problem of a deployment is found in one pass.
 */
final class GlobalSettings {

    private GlobalSettings() {
    }

    /** The duration set at {@code key}; {@code null} if unset, or (reported) if it does not parse. */
    static Duration duration(ConfigValues config, String key, DeploymentProblems problems) {
        Optional<String> value = config.get(key).map(String::trim);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return value.get().startsWith("P") || value.get().startsWith("p")
                    ? Duration.parse(value.get()) : Duration.ofMillis(Long.parseLong(value.get()));
        } catch (RuntimeException e) {
            problems.add("Invalid " + key + ": must be milliseconds (500) or an ISO-8601 duration (PT0.5S), was '"
                    + value.get() + "'");
            return null;
        }
    }

    /** The whole number set at {@code key} within {@code [min, max]}, or {@code fallback}. */
    static long number(ConfigValues config, String key, long fallback, long min, long max,
                       DeploymentProblems problems) {
        Optional<String> value = config.get(key).map(String::trim);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.get());
            if (parsed < min || parsed > max) {
                problems.add("Invalid " + key + ": must be between " + min + " and " + max + ", was " + parsed);
                return fallback;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add("Invalid " + key + ": must be a whole number, was '" + value.get() + "'");
            return fallback;
        }
    }
}
