package dev.tollgate.internal.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tiers of {@code tollgate.tiers} (lowest first; the first is the default tier), each with its permits per
 * window ({@code tollgate.tier.<tier>.limit}) and the role that puts a caller in it
 * ({@code tollgate.tier.<tier>.role}, default: the tier's name). Read once at deployment.
 *
 * @param names  tier names, lowest first
 * @param limits permits per window by tier, for the tiers that set one
 * @param roles  role by tier
 */
public record TierSettings(List<String> names, Map<String, Long> limits, Map<String, String> roles) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public TierSettings {
        names = List.copyOf(names);
        limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    }

    public static TierSettings none() {
        return new TierSettings(List.of(), Map.of(), Map.of());
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    /** The tier of callers that no role or resolver places. */
    public String defaultTier() {
        return names.get(0);
    }

    public static TierSettings read(ConfigValues config, DeploymentProblems problems) {
        Optional<String> list = config.get("tollgate.tiers");
        if (list.isEmpty()) {
            return none();
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
