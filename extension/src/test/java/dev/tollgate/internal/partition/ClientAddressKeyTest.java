package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.CallRequest;
import org.junit.jupiter.api.Test;

import static dev.tollgate.internal.partition.FakeCalls.httpCall;
import static dev.tollgate.internal.partition.FakeCalls.plainCall;
import static dev.tollgate.internal.partition.FakeCalls.request;
import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(partition).isEqualTo(PartitionHash.of("ip", client)).matches("ip:[A-Za-z0-9_-]{22}");
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
}
