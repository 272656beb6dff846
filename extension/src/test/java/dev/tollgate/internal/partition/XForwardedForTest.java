package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.CallRequest;
import org.junit.jupiter.api.Test;

import static dev.tollgate.internal.partition.ClientAddressKeyTest.UNKNOWN;
import static dev.tollgate.internal.partition.ClientAddressKeyTest.XFF;
import static dev.tollgate.internal.partition.ClientAddressKeyTest.client;
import static dev.tollgate.internal.partition.FakeCalls.request;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code ip} source behind proxies that maintain {@code X-Forwarded-For}. */
class XForwardedForTest {

    @Test
    void aSpoofedHeaderFromAnUntrustedClientIsIgnored() {
        assertThat(client(XFF, request("203.0.113.5", "X-Forwarded-For", "1.2.3.4"))).isEqualTo("203.0.113.5");
        assertThat(client(XFF, request("203.0.113.5", "X-Forwarded-For", "10.0.0.1"))).isEqualTo("203.0.113.5");
    }

    @Test
    void behindOneTrustedProxyTheRightmostEntryIsTheClient() {
        // the client sent "1.2.3.4" itself; the proxy appended the address it saw
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "1.2.3.4, 198.51.100.7")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void aChainThroughTwoTrustedProxies() {
        CallRequest request = request("10.0.0.2",
                "X-Forwarded-For", "6.6.6.6, 198.51.100.7, 192.168.1.10");
        assertThat(client(XFF, request)).isEqualTo("198.51.100.7");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "10.9.9.9, 192.168.1.10")))
                .isEqualTo("10.9.9.9");
    }

    @Test
    void ipv6Everywhere() {
        CallRequest request = request("2001:db8:cafe::1",
                "X-Forwarded-For", "2001:DB8:BEEF:0:0:0:0:42, 2001:db8:cafe::2");
        assertThat(client(XFF, request)).isEqualTo("2001:db8:beef::42");
    }

    @Test
    void portsAndBracketsAreAccepted() {
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "198.51.100.7:51234")))
                .isEqualTo("198.51.100.7");
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "[2001:db8::9]:443")))
                .isEqualTo("2001:db8::9");
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "[2001:db8::9]")))
                .isEqualTo("2001:db8::9");
    }

    @Test
    void linesAreReadFromTheLastOne() {
        CallRequest request = request("10.0.0.2",
                "X-Forwarded-For", "6.6.6.6",
                "X-Forwarded-For", "198.51.100.7, 10.0.0.9");
        assertThat(client(XFF, request)).isEqualTo("198.51.100.7");
    }

    @Test
    void garbageFallsBackToTheProxy() {
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "not-an-ip"))).isEqualTo("10.0.0.2");
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "198.51.100.7, 10.0.0.1:x")))
                .isEqualTo("10.0.0.2");
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "evil.example"))).isEqualTo("10.0.0.2");
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "{}".repeat(10_000))))
                .isEqualTo("10.0.0.2");
    }

    @Test
    void garbageLeftOfTheClientIsNeverRead() {
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "<script>, 198.51.100.7")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void aMissingOrBlankHeaderMeansTheProxyItself() {
        assertThat(client(XFF, request("10.0.0.2"))).isEqualTo("10.0.0.2");
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", " , "))).isEqualTo("10.0.0.2");
    }

    @Test
    void anUnknownHopIsAnUnknownClient() {
        assertThat(client(XFF, request("10.0.0.2", "X-Forwarded-For", "unknown, 10.0.0.3"))).isEqualTo(UNKNOWN);
    }

    @Test
    void aForwardedHeaderIsNotReadWhenTheProxiesMaintainXForwardedFor() {
        CallRequest request = request("10.0.0.2",
                "Forwarded", "for=6.6.6.6", "X-Forwarded-For", "198.51.100.7");
        assertThat(client(XFF, request)).isEqualTo("198.51.100.7");
    }
}
