package dev.tollgate.internal.config;

import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.internal.redis.RedissonClients;
import dev.tollgate.internal.resilience.BreakerSettings;

import java.time.Duration;
import java.util.Optional;

/**
 * Reads {@code tollgate.redis.*} once. No address and no configuration file means no Redis: the in-memory backend
 * is used. Bad values are reported to {@link DeploymentProblems} with the property and the value.
 */
public final class RedisSettingsReader {

    private RedisSettingsReader() {
    }

    public static Optional<RedisSettings> read(ConfigValues config, DeploymentProblems problems) {
        Optional<String> address = config.get("tollgate.redis.address").map(String::trim);
        Optional<String> file = config.get("tollgate.redis.config-file").map(String::trim);
        if (address.isEmpty() && file.isEmpty()) {
            return Optional.empty();
        }
        if (address.isPresent() && file.isPresent()) {
            problems.add("Invalid tollgate.redis.address and tollgate.redis.config-file: set one of them, not both,"
                    + " was address=" + address.get() + ", config-file=" + file.get());
            return Optional.empty();
        }
        int before = problems.messages().size();
        Duration commandTimeout = duration(config, "tollgate.redis.command-timeout",
                RedisSettings.DEFAULT_COMMAND_TIMEOUT, problems, false);
        Duration connectTimeout = duration(config, "tollgate.redis.connect-timeout",
                RedisSettings.DEFAULT_CONNECT_TIMEOUT, problems, false);
        Duration retryInterval = duration(config, "tollgate.redis.retry-interval",
                RedisSettings.DEFAULT_RETRY_INTERVAL, problems, true);
        int retryAttempts = (int) GlobalSettings.number(config, "tollgate.redis.retry-attempts",
                RedisSettings.DEFAULT_RETRY_ATTEMPTS, 0, 10, problems);
        int database = (int) GlobalSettings.number(config, "tollgate.redis.database", 0, 0, 1024, problems);
        if (problems.messages().size() != before) {
            return Optional.empty();
        }
        RedisSettings settings;
        try {
            settings = new RedisSettings(address, file, config.get("tollgate.redis.username"),
                    config.get("tollgate.redis.password"), config.get("tollgate.redis.truststore").map(String::trim),
                    config.get("tollgate.redis.truststore-password"),
                    config.get("tollgate.redis.truststore-type").map(String::trim)
                            .orElse(RedisSettings.DEFAULT_TRUSTSTORE_TYPE),
                    database, commandTimeout, connectTimeout, retryAttempts, retryInterval,
                    config.get("tollgate.redis.key-prefix").map(String::trim).orElse(RedisSettings.DEFAULT_KEY_PREFIX));
        } catch (IllegalArgumentException e) {
            problems.add("Invalid tollgate.redis settings: " + e.getMessage());
            return Optional.empty();
        }
        if (settings.truststore().isPresent()) {
            // Read now, so that a missing or unreadable store fails the deployment rather than every connection.
            try {
                RedissonClients.checkTruststore(settings);
            } catch (IllegalArgumentException e) {
                problems.add("Invalid tollgate.redis.truststore: " + e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.of(settings);
    }

    /**
     * Reads {@code tollgate.redis.breaker.*}: {@code enabled} (default true), {@code failure-rate} (percent of the
     * window's calls that failed, default 50), {@code window} (calls, default 10), {@code minimum-calls} (default 5)
     * and {@code open-for} (the cool-off, default 3 s, at most 1 minute).
     */
    public static BreakerSettings breaker(ConfigValues config, DeploymentProblems problems) {
        String prefix = "tollgate.redis.breaker.";
        boolean enabled = config.get(prefix + "enabled").map(String::trim).map(value -> {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                problems.add("Invalid " + prefix + "enabled: must be true or false, was '" + value + "'");
                return true;
            }
            return Boolean.parseBoolean(value);
        }).orElse(true);
        int rate = (int) GlobalSettings.number(config, prefix + "failure-rate",
                BreakerSettings.DEFAULT_FAILURE_RATE_PERCENT, 1, 100, problems);
        int window = (int) GlobalSettings.number(config, prefix + "window", BreakerSettings.DEFAULT_WINDOW_CALLS,
                1, 10_000, problems);
        int minimum = (int) GlobalSettings.number(config, prefix + "minimum-calls",
                Math.min(window, BreakerSettings.DEFAULT_MINIMUM_CALLS), 1, 10_000, problems);
        if (minimum > window) {
            problems.add("Invalid " + prefix + "minimum-calls: must be at most " + prefix + "window (" + window
                    + "), was " + minimum);
            minimum = window;
        }
        Duration openFor = duration(config, prefix + "open-for", BreakerSettings.DEFAULT_OPEN_FOR, problems, false);
        return new BreakerSettings(enabled, rate, window, minimum, openFor);
    }

    /** A duration in milliseconds ({@code 500}) or ISO-8601 ({@code PT0.5S}), at most 1 minute. */
    private static Duration duration(ConfigValues config, String key, Duration fallback, DeploymentProblems problems,
                                     boolean zeroAllowed) {
        Duration parsed = GlobalSettings.duration(config, key, problems);
        if (parsed == null) {
            return fallback;
        }
        if (parsed.isNegative() || (!zeroAllowed && parsed.isZero()) || parsed.compareTo(Duration.ofMinutes(1)) > 0) {
            problems.add("Invalid " + key + ": must be " + (zeroAllowed ? ">= 0" : "> 0") + " and at most 1 minute, was "
                    + config.get(key).map(String::trim).orElse(""));
            return fallback;
        }
        return parsed;
    }
}
