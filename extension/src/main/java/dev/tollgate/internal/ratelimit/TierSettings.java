package dev.tollgate.internal.ratelimit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tiers of {@code tollgate.tiers} (lowest first; the first is the default tier), each with its permits per
 * window ({@code tollgate.tier.<tier>.limit}) and the role that puts a caller in it
 * ({@code tollgate.tier.<tier>.role}, default: the tier's name). Read once at deployment by
 * {@code config.TierSettingsReader}.
 *
 * @param names  tier names, lowest first
 * @param limits permits per window by tier, for the tiers that set one
 * @param roles  role by tier
 */
public record TierSettings(List<String> names, Map<String, Long> limits, Map<String, String> roles) {

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
}
