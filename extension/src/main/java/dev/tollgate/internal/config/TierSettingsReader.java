package dev.tollgate.internal.config;

import dev.tollgate.internal.ratelimit.TierSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads {@link TierSettings} from {@code tollgate.tiers} and {@code tollgate.tier.<tier>.*}, reporting problems. */
public final class TierSettingsReader {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private TierSettingsReader() {
    }

    public static TierSettings read(ConfigValues config, DeploymentProblems problems) {
        Optional<String> list = config.get("tollgate.tiers");
        if (list.isEmpty()) {
            return TierSettings.none();
        }
        List<String> names = new ArrayList<>();
        Map<String, Long> limits = new LinkedHashMap<>();
        Map<String, String> roles = new LinkedHashMap<>();
        for (String raw : list.get().split(",")) {
            String name = raw.trim();
            if (!NAME.matcher(name).matches()) {
                problems.add("Invalid tollgate.tiers: tier names use [A-Za-z0-9_-], 1 to 64 characters, was '"
                        + name + "' in '" + list.get() + "'");
                continue;
            }
            if (names.contains(name)) {
                problems.add("Invalid tollgate.tiers: tier '" + name + "' is listed twice, was '" + list.get() + "'");
                continue;
            }
            names.add(name);
            roles.put(name, config.get("tollgate.tier." + name + ".role").orElse(name).trim());
            String key = "tollgate.tier." + name + ".limit";
            config.get(key).ifPresent(value -> {
                try {
                    long limit = Long.parseLong(value.trim());
                    if (limit <= 0) {
                        problems.add("Invalid " + key + ": must be > 0, was " + limit);
                    } else {
                        limits.put(name, limit);
                    }
                } catch (NumberFormatException e) {
                    problems.add("Invalid " + key + ": must be a whole number, was '" + value + "'");
                }
            });
        }
        return new TierSettings(names, limits, roles);
    }
}
