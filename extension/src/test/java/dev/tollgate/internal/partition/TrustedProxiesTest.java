package dev.tollgate.internal.partition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TrustedProxiesTest {

    private static boolean trusts(TrustedProxies proxies, String address) {
        return proxies.contains(IpLiterals.parse(address));
    }

    @Test
    void parsesAddressesAndRangesOfBothFamilies() {
        TrustedProxies proxies = TrustedProxies.parse(" 10.0.0.0/8, 192.168.1.10,::1  2001:db8:1:2::/64,",
                ForwardingHeader.X_FORWARDED_FOR);
        assertThat(proxies.ranges()).containsExactly("10.0.0.0/8", "192.168.1.10/32", "::1/128", "2001:db8:1:2::/64");
        assertThat(proxies.header()).isEqualTo(ForwardingHeader.X_FORWARDED_FOR);
        assertThat(proxies.isEmpty()).isFalse();
    }

    @Test
    void slash8() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8", ForwardingHeader.FORWARDED);
        assertThat(trusts(proxies, "10.0.0.0")).isTrue();
        assertThat(trusts(proxies, "10.255.255.255")).isTrue();
        assertThat(trusts(proxies, "11.0.0.0")).isFalse();
        assertThat(trusts(proxies, "9.255.255.255")).isFalse();
    }

    @Test
    void slash24() {
        TrustedProxies proxies = TrustedProxies.parse("192.168.7.0/24", ForwardingHeader.FORWARDED);
        assertThat(trusts(proxies, "192.168.7.1")).isTrue();
        assertThat(trusts(proxies, "192.168.7.255")).isTrue();
        assertThat(trusts(proxies, "192.168.8.1")).isFalse();
        assertThat(trusts(proxies, "192.168.6.255")).isFalse();
    }

    @Test
    void slash32AndABareAddressAreOneAddress() {
        TrustedProxies proxies = TrustedProxies.parse("192.168.1.10, 172.16.0.1/32", ForwardingHeader.FORWARDED);
        assertThat(trusts(proxies, "192.168.1.10")).isTrue();
        assertThat(trusts(proxies, "172.16.0.1")).isTrue();
        assertThat(trusts(proxies, "192.168.1.11")).isFalse();
        assertThat(trusts(proxies, "172.16.0.0")).isFalse();
    }

    @Test
    void ipv6Slash64AndSingleAddresses() {
        TrustedProxies proxies = TrustedProxies.parse("2001:db8:aa:bb::/64, ::1", ForwardingHeader.FORWARDED);
        assertThat(trusts(proxies, "2001:db8:aa:bb::1")).isTrue();
        assertThat(trusts(proxies, "2001:db8:aa:bb:ffff:ffff:ffff:ffff")).isTrue();
        assertThat(trusts(proxies, "2001:db8:aa:bc::1")).isFalse();
        assertThat(trusts(proxies, "::1")).isTrue();
        assertThat(trusts(proxies, "0:0:0:0:0:0:0:1")).isTrue();
        assertThat(trusts(proxies, "::2")).isFalse();
    }

    @Test
    void familiesDoNotMixExceptThroughIpv4MappedAddresses() {
        TrustedProxies ipv4 = TrustedProxies.parse("0.0.0.0/0", ForwardingHeader.FORWARDED);
        assertThat(trusts(ipv4, "203.0.113.9")).isTrue();
        assertThat(trusts(ipv4, "::ffff:203.0.113.9")).isTrue();
        assertThat(trusts(ipv4, "2001:db8::1")).isFalse();
        assertThat(trusts(ipv4, "::203.0.113.9")).isFalse();

        TrustedProxies mapped = TrustedProxies.parse("::ffff:10.0.0.0/104", ForwardingHeader.FORWARDED);
        assertThat(mapped.ranges()).containsExactly("10.0.0.0/8");
        assertThat(trusts(mapped, "10.1.2.3")).isTrue();
        assertThat(trusts(mapped, "11.1.2.3")).isFalse();
    }

    @Test
    void aBlankListTrustsNobody() {
        TrustedProxies proxies = TrustedProxies.parse("  ,  ", ForwardingHeader.FORWARDED);
        assertThat(proxies.isEmpty()).isTrue();
        assertThat(trusts(proxies, "10.0.0.1")).isFalse();
        assertThat(trusts(TrustedProxies.NONE, "::1")).isFalse();
    }

    @Test
    void reportsEveryBadEntryAtOnce() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TrustedProxies.parse(
                        "10.0.0.0/8, proxy.internal, 10.0.0.256, 10.1.2.3/8, 10.0.0.0/33, ::1/129, 10.0.0.0/, "
                                + "fe80::/10, 2001:db8::1/64, ::ffff:10.0.0.0/64, 10.0.0.1/-1",
                        ForwardingHeader.FORWARDED))
                .withMessage("'proxy.internal' is not an IP address or CIDR range (host names are not resolved); "
                        + "'10.0.0.256' is not an IP address or CIDR range (host names are not resolved); "
                        + "'10.1.2.3/8' has bits set after the prefix (did you mean 10.0.0.0/8?); "
                        + "'10.0.0.0/33' has a prefix length outside 0..32; "
                        + "'::1/129' has a prefix length outside 0..128; "
                        + "'10.0.0.0/' has a prefix length outside 0..32; "
                        + "'2001:db8::1/64' has bits set after the prefix (did you mean 2001:db8::/64?); "
                        + "'::ffff:10.0.0.0/64' has a prefix length outside 96..128; "
                        + "'10.0.0.1/-1' has a prefix length outside 0..32");
    }

    @Test
    void theForwardingHeaderIsNamedInConfiguration() {
        assertThat(ForwardingHeader.named("x-forwarded-for")).isEqualTo(ForwardingHeader.X_FORWARDED_FOR);
        assertThat(ForwardingHeader.named(" Forwarded ")).isEqualTo(ForwardingHeader.FORWARDED);
        assertThat(ForwardingHeader.named("forwarded-else-x-forwarded-for"))
                .isEqualTo(ForwardingHeader.FORWARDED_ELSE_X_FORWARDED_FOR);
        assertThatIllegalArgumentException().isThrownBy(() -> ForwardingHeader.named("x-real-ip"))
                .withMessage("expected forwarded, x-forwarded-for or forwarded-else-x-forwarded-for, was 'x-real-ip'");
    }
}
