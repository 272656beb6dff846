package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.call.Call;
import dev.tollgate.spi.TierResolver;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Finds a caller's tier: from the application's {@link TierResolver} if it has one, otherwise the highest tier
 * whose role the caller has, otherwise the first (default) tier.
 */
public final class CallerTiers {

    private static final Logger LOG = Logger.getLogger(CallerTiers.class.getName());

    private final TierSettings tiers;
    private final TierResolver resolver;
    private final List<String> highestFirst;
    private final Set<String> reportedUnknown = ConcurrentHashMap.newKeySet();

    /** @param resolver the application's resolver, or {@code null} to use roles */
    public CallerTiers(TierSettings tiers, TierResolver resolver) {
        this.tiers = tiers;
        this.resolver = resolver;
        List<String> names = new java.util.ArrayList<>(tiers.names());
        java.util.Collections.reverse(names);
        this.highestFirst = List.copyOf(names);
    }

    public String tierOf(Call call) {
        if (tiers.isEmpty()) {
            return null;
        }
        if (resolver != null) {
            String tier = call.resolveTier(resolver);
            if (tier == null) {
                return tiers.defaultTier();
            }
            if (tiers.names().contains(tier)) {
                return tier;
            }
            if (reportedUnknown.size() < 100 && reportedUnknown.add(tier)) {
                LOG.warning(() -> "Tollgate: the TierResolver returned the unknown tier '" + tier
                        + "' (tollgate.tiers=" + tiers.names() + "); the caller gets the default tier "
                        + tiers.defaultTier() + ". Reported once per tier.");
            }
            return tiers.defaultTier();
        }
        for (String tier : highestFirst) {
            if (call.isCallerInRole(tiers.roles().get(tier))) {
                return tier;
            }
        }
        return tiers.defaultTier();
    }
}
