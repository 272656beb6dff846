package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.config.DeploymentProblems;
import dev.tollgate.internal.config.TierSettings;
import dev.tollgate.internal.partition.CallContext;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import java.security.Principal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CallerTiersTest {

    private static final TierSettings TIERS = TierSettings.read(key -> Optional.ofNullable(Map.of(
            "tollgate.tiers", "free,basic,premium",
            "tollgate.tier.premium.role", "gold").get(key)), new DeploymentProblems());

    private static CallContext callerWithRoles(String... roles) {
        Set<String> granted = Set.of(roles);
        return new CallContext() {
            @Override
            public HttpServletRequest request() {
                return null;
            }

            @Override
            public Principal principal() {
                return granted.isEmpty() ? null : () -> "someone";
            }

            @Override
            public boolean isCallerInRole(String role) {
                return granted.contains(role);
            }
        };
    }

    @Test
    void theHighestTierWhoseRoleTheCallerHasWins() {
        CallerTiers tiers = new CallerTiers(TIERS, null);
        assertThat(tiers.tierOf(null, callerWithRoles())).isEqualTo("free");
        assertThat(tiers.tierOf(null, callerWithRoles("basic"))).isEqualTo("basic");
        assertThat(tiers.tierOf(null, callerWithRoles("basic", "gold"))).isEqualTo("premium");
        assertThat(tiers.tierOf(null, callerWithRoles("premium"))).as("premium's role is gold").isEqualTo("free");
    }

    @Test
    void aResolverReplacesRolesAndUnknownTiersFallBackToTheDefault() {
        assertThat(new CallerTiers(TIERS, invocation -> "basic").tierOf(null, callerWithRoles("gold")))
                .isEqualTo("basic");
        assertThat(new CallerTiers(TIERS, invocation -> "platinum").tierOf(null, callerWithRoles()))
                .isEqualTo("free");
        assertThat(new CallerTiers(TIERS, invocation -> null).tierOf(null, callerWithRoles())).isEqualTo("free");
    }

    @Test
    void withoutTiersThereIsNoTier() {
        assertThat(new CallerTiers(TierSettings.none(), null).tierOf(null, callerWithRoles("gold"))).isNull();
    }
}
