package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.DeploymentException;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ip} limits count an IPv6 client per prefix ({@code tollgate.ip.ipv6-prefix}), IPv4 per address. */
class Ipv6PrefixTest {

    @ApplicationScoped
    public static class Login {
        @RateLimit(limit = 2, window = 1, windowUnit = ChronoUnit.HOURS, key = "ip")
        public String attempt() {
            return "ok";
        }
    }

    private static String attemptFrom(Login login, String address) {
        try (FakeHttp request = FakeHttp.from(address)) {
            return login.attempt();
        }
    }

    @Test
    void theAddressesOfOneSlash64ShareALimitAndTheNeighbouringSlash64sDoNot() {
        try (var container = TollgateContainer.start(Map.of(), Login.class)) {
            Login login = container.bean(Login.class);
            attemptFrom(login, "2001:db8:1:2::1");
            attemptFrom(login, "2001:db8:1:2::2");
            assertThatThrownBy(() -> attemptFrom(login, "2001:db8:1:2:dead:beef:0:3"))
                    .as("a third address of the same /64").isInstanceOf(RateLimitExceededException.class);
            assertThat(attemptFrom(login, "2001:db8:1:3::1")).as("the next /64").isEqualTo("ok");
            assertThat(attemptFrom(login, "2001:db8:1:1::1")).as("the previous /64").isEqualTo("ok");
        }
    }

    @Test
    void ipv4AndIpv4MappedAddressesShareTheirAddressesLimitOnly() {
        try (var container = TollgateContainer.start(Map.of(), Login.class)) {
            Login login = container.bean(Login.class);
            attemptFrom(login, "198.51.100.7");
            attemptFrom(login, "::ffff:198.51.100.7");
            assertThatThrownBy(() -> attemptFrom(login, "198.51.100.7"))
                    .isInstanceOf(RateLimitExceededException.class);
            assertThat(attemptFrom(login, "198.51.100.8")).isEqualTo("ok");
            assertThat(attemptFrom(login, "::ffff:198.51.100.9")).isEqualTo("ok");
        }
    }

    @Test
    void theConfiguredPrefixDecides() {
        try (var container = TollgateContainer.start(Map.of("tollgate.ip.ipv6-prefix", "56"), Login.class)) {
            Login login = container.bean(Login.class);
            attemptFrom(login, "2001:db8:1:200::1");
            attemptFrom(login, "2001:db8:1:2ff::1");
            assertThatThrownBy(() -> attemptFrom(login, "2001:db8:1:280::1"))
                    .as("another /64 of the same /56").isInstanceOf(RateLimitExceededException.class);
            assertThat(attemptFrom(login, "2001:db8:1:300::1")).as("the next /56").isEqualTo("ok");
        }
        try (var container = TollgateContainer.start(Map.of("tollgate.ip.ipv6-prefix", "128"), Login.class)) {
            Login login = container.bean(Login.class);
            attemptFrom(login, "2001:db8::1");
            attemptFrom(login, "2001:db8::1");
            assertThat(attemptFrom(login, "2001:db8::2")).as("each address on its own").isEqualTo("ok");
        }
    }

    @Test
    void aPrefixOutsideOneTo128FailsTheDeployment() {
        for (String invalid : new String[] {"0", "129", "64 bits", "-1"}) {
            assertThatThrownBy(() -> TollgateContainer.start(Map.of("tollgate.ip.ipv6-prefix", invalid),
                    Login.class).close())
                    .hasRootCauseInstanceOf(DeploymentException.class)
                    .rootCause()
                    .hasMessageContaining("Invalid tollgate.ip.ipv6-prefix: must be a whole number of bits from 1"
                            + " to 128 (e.g. 64 or 56), was '" + invalid + "'");
        }
    }
}
