package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.CallRequest;
import org.junit.jupiter.api.Test;

import static dev.tollgate.internal.partition.FakeCalls.httpCall;
import static dev.tollgate.internal.partition.FakeCalls.plainCall;
import static dev.tollgate.internal.partition.FakeCalls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code ip} source: the connection, and proxies that may send either header. */
class ClientAddressKeyTest {

    static final String UNKNOWN = "unknown client";

    static final TrustedProxies XFF =
            TrustedProxies.parse("10.0.0.0/8, 192.168.1.10, 2001:db8:cafe::/64", ForwardingHeader.X_FORWARDED_FOR);
    static final TrustedProxies FORWARDED =
            TrustedProxies.parse("10.0.0.0/8, 192.168.1.10, 2001:db8:cafe::/64", ForwardingHeader.FORWARDED);
    static final TrustedProxies EITHER = TrustedProxies.parse("10.0.0.0/8, 192.168.1.10, 2001:db8:cafe::/64",
            ForwardingHeader.FORWARDED_ELSE_X_FORWARDED_FOR);

    /** The client the key sees, canonical, or {@link #UNKNOWN}; and checks that its partition is that client's. */
    static String client(TrustedProxies proxies, CallRequest request) {
        ClientAddressKey key = new ClientAddressKey(proxies);
        byte[] address = key.clientAddress(request);
        String partition = key.resolve(httpCall(request));
        if (address == null) {
            assertThat(partition).isEqualTo(PartitionKey.UNKNOWN);
            return UNKNOWN;
        }
        String client = IpLiterals.format(address);
        assertThat(partition).isEqualTo(PartitionHash.of("ip", key.clientName(address)))
                .matches("ip:[A-Za-z0-9_-]{22}");
        return client;
    }

    @Test
    void withoutAnHttpRequestTheClientIsUnknown() {
        assertThat(new ClientAddressKey(XFF).resolve(plainCall())).isEqualTo(PartitionKey.UNKNOWN);
    }

    @Test
    void aConnectionAddressThatIsNoLiteralIsUnknown() {
        assertThat(client(XFF, request(null))).isEqualTo(UNKNOWN);
        assertThat(client(XFF, request("client.example"))).isEqualTo(UNKNOWN);
    }

    @Test
    void theConnectionAddressIsNormalized() {
        assertThat(client(XFF, request("0:0:0:0:0:0:0:1"))).isEqualTo("::1");
        assertThat(client(XFF, request("[2001:DB8::7]"))).isEqualTo("2001:db8::7");
        assertThat(client(XFF, request("fe80:0:0:0:0:0:0:1%eth0"))).isEqualTo("fe80::1");
        assertThat(client(XFF, request("::ffff:203.0.113.5"))).isEqualTo("203.0.113.5");
    }

    @Test
    void eitherHeaderForwardedWinsWhenPresent() {
        CallRequest request = request("10.0.0.2",
                "Forwarded", "for=198.51.100.7", "X-Forwarded-For", "203.0.113.9");
        assertThat(client(EITHER, request)).isEqualTo("198.51.100.7");
    }

    @Test
    void eitherHeaderXForwardedForOtherwise() {
        assertThat(client(EITHER, request("10.0.0.2", "X-Forwarded-For", "203.0.113.9")))
                .isEqualTo("203.0.113.9");
        assertThat(client(EITHER, request("10.0.0.2", "Forwarded", " ", "X-Forwarded-For", "203.0.113.9")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void eitherHeaderFromAnUntrustedClientIsIgnored() {
        CallRequest request = request("203.0.113.5",
                "Forwarded", "for=1.2.3.4", "X-Forwarded-For", "5.6.7.8");
        assertThat(client(EITHER, request)).isEqualTo("203.0.113.5");
    }

    private static String partition(int ipv6Prefix, String remoteAddress) {
        return new ClientAddressKey(TrustedProxies.NONE, ipv6Prefix).resolve(httpCall(request(remoteAddress)));
    }

    @Test
    void addressesOfOneSlash64AreOneClientAndNeighbouringSlash64sAreNot() {
        String one = partition(64, "2001:db8:1:2::1");
        assertThat(partition(64, "2001:db8:1:2:ffff:ffff:ffff:ffff")).isEqualTo(one);
        assertThat(partition(64, "2001:DB8:1:2:a:b:c:d")).isEqualTo(one);
        assertThat(partition(64, "2001:db8:1:3::1")).as("the next /64").isNotEqualTo(one);
        assertThat(partition(64, "2001:db8:1:1:ffff:ffff:ffff:ffff")).as("the previous /64").isNotEqualTo(one);
        assertThat(new ClientAddressKey(TrustedProxies.NONE).clientName(IpLiterals.parse("2001:db8:1:2:3:4:5:6")))
                .as("64 bits by default").isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    void anotherPrefixGroupsAsManyBits() {
        assertThat(partition(56, "2001:db8:1:2ff::1")).isEqualTo(partition(56, "2001:db8:1:200::1"))
                .isNotEqualTo(partition(56, "2001:db8:1:300::1"));
        assertThat(partition(60, "2001:db8:1:2f::1")).as("a prefix inside a group").isEqualTo(
                partition(60, "2001:db8:1:20::1")).isNotEqualTo(partition(60, "2001:db8:1:30::1"));
        assertThat(partition(128, "2001:db8::1")).isNotEqualTo(partition(128, "2001:db8::2"));
        assertThat(partition(1, "2001:db8::1")).isEqualTo(partition(1, "::1"))
                .isNotEqualTo(partition(1, "8000::1"));
    }

    @Test
    void ipv4AndIpv4MappedAddressesAreCountedOneByOne() {
        for (int prefix : new int[] {1, 56, 64, 128}) {
            String four = partition(prefix, "198.51.100.7");
            assertThat(partition(prefix, "::ffff:198.51.100.7")).as("mapped, /%d", prefix).isEqualTo(four);
            assertThat(partition(prefix, "::FFFF:c633:6407")).as("mapped in hex, /%d", prefix).isEqualTo(four);
            assertThat(partition(prefix, "198.51.100.8")).as("the next address, /%d", prefix).isNotEqualTo(four);
            assertThat(partition(prefix, "::ffff:198.51.100.8")).isNotEqualTo(four);
        }
    }

    @Test
    void aForwardedIpv6ClientIsCountedPerPrefixTooWhileProxiesMatchOnTheFullAddress() {
        ClientAddressKey key = new ClientAddressKey(XFF, 64);
        String viaProxy = key.resolve(httpCall(request("2001:db8:cafe::9", "X-Forwarded-For", "2001:db8:5:6::1")));
        String direct = key.resolve(httpCall(request("2001:db8:5:6:7::8")));
        assertThat(viaProxy).isEqualTo(direct);
        // 2001:db8:cafe::/64 is trusted; an address of another /64 of the same /48 is a client, not a proxy.
        assertThat(client(XFF, request("2001:db8:cafe:1::9", "X-Forwarded-For", "203.0.113.9")))
                .isEqualTo("2001:db8:cafe:1::9");
    }

    @Test
    void aPrefixOutsideOneTo128IsRefused() {
        assertThatThrownBy(() -> new ClientAddressKey(XFF, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientAddressKey(XFF, 129))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
