package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.config.TierSettingsReader;
import dev.tollgate.internal.config.DeploymentProblems;
import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.call.CallRequest;
import dev.tollgate.spi.PartitionKeyResolver;
import dev.tollgate.spi.TierResolver;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CallerTiersTest {

    private static final TierSettings TIERS = TierSettingsReader.read(key -> Optional.ofNullable(Map.of(
            "tollgate.tiers", "free,basic,premium",
            "tollgate.tier.premium.role", "gold").get(key)), new DeploymentProblems());

    private static Call callerWithRoles(String... roles) {
        Set<String> granted = Set.of(roles);
        return new Call() {
            @Override
            public Method method() {
                return null;
            }

            @Override
            public Object[] arguments() {
                return new Object[0];
            }

            @Override
            public CallRequest request() {
                return null;
            }

            @Override
            public String resolve(PartitionKeyResolver resolver) {
                return resolver.resolve(null);
            }

            @Override
            public String resolveTier(TierResolver resolver) {
                return resolver.resolveTier(null);
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
        assertThat(tiers.tierOf(callerWithRoles())).isEqualTo("free");
        assertThat(tiers.tierOf(callerWithRoles("basic"))).isEqualTo("basic");
        assertThat(tiers.tierOf(callerWithRoles("basic", "gold"))).isEqualTo("premium");
        assertThat(tiers.tierOf(callerWithRoles("premium"))).as("premium's role is gold").isEqualTo("free");
    }

    @Test
    void aResolverReplacesRolesAndUnknownTiersFallBackToTheDefault() {
        assertThat(new CallerTiers(TIERS, invocation -> "basic").tierOf(callerWithRoles("gold")))
                .isEqualTo("basic");
        assertThat(new CallerTiers(TIERS, invocation -> "platinum").tierOf(callerWithRoles()))
                .isEqualTo("free");
        assertThat(new CallerTiers(TIERS, invocation -> null).tierOf(callerWithRoles())).isEqualTo("free");
    }

    @Test
    void withoutTiersThereIsNoTier() {
        assertThat(new CallerTiers(TierSettings.none(), null).tierOf(callerWithRoles("gold"))).isNull();
    }
}
