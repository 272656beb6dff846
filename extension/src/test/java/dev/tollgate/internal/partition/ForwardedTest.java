package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.CallRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.tollgate.internal.partition.ClientAddressKeyTest.FORWARDED;
import static dev.tollgate.internal.partition.ClientAddressKeyTest.UNKNOWN;
import static dev.tollgate.internal.partition.ClientAddressKeyTest.client;
import static dev.tollgate.internal.partition.FakeCalls.request;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code ip} source behind proxies that maintain RFC 7239 {@code Forwarded}. */
class ForwardedTest {

    @Test
    void aSpoofedHeaderFromAnUntrustedClientIsIgnored() {
        assertThat(client(FORWARDED, request("203.0.113.5", "Forwarded", "for=1.2.3.4")))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void aChainThroughTwoTrustedProxies() {
        CallRequest request = request("10.0.0.2", "Forwarded",
                "for=6.6.6.6, for=198.51.100.7;proto=https;by=10.0.0.1, For=192.168.1.10;host=example.com");
        assertThat(client(FORWARDED, request)).isEqualTo("198.51.100.7");
    }

    @Test
    void quotedIpv6WithPortsAndBrackets() {
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=\"[2001:db8:beef::17]:4711\"")))
                .isEqualTo("2001:db8:beef::17");
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=\"[2001:db8:beef::17]\"")))
                .isEqualTo("2001:db8:beef::17");
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=\"198.51.100.7:8080\"")))
                .isEqualTo("198.51.100.7");
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=\"198.51.100.7\"")))
                .isEqualTo("198.51.100.7");
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=\"[2001:db8::1]:_abc\"")))
                .isEqualTo("2001:db8::1");
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=\"198.51.100.7:_p1\"")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void quotedStringsMayHideCommasSemicolonsAndEscapes() {
        CallRequest request = request("10.0.0.2", "Forwarded",
                "for=198.51.100.7;host=\"a,b;c\\\"d\", for=10.0.0.3");
        assertThat(client(FORWARDED, request)).isEqualTo("198.51.100.7");
    }

    @Test
    void unknownAndObfuscatedHopsAreAnUnknownClient() {
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=unknown"))).isEqualTo(UNKNOWN);
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=\"unknown:8080\"")))
                .isEqualTo(UNKNOWN);
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=_hidden, for=10.0.0.3")))
                .isEqualTo(UNKNOWN);
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=\"_x.y-z:_p\"")))
                .isEqualTo(UNKNOWN);
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "proto=https;by=10.0.0.1")))
                .isEqualTo(UNKNOWN);
    }

    @Test
    void anUnknownHopLeftOfTheClientDoesNotMatter() {
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", "for=unknown, for=198.51.100.7")))
                .isEqualTo("198.51.100.7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"for=\"198.51.100.7", "for", "for=", "=1.2.3.4", "for=1.2.3.4;for=5.6.7.8",
            "for=1.2.3.4 junk", "for=\"[1.2.3.4]\"", "for=\"[::1\"", "for=\"[::1]:\"", "for=\"1.2.3.4:123456\"",
            "for=\"[::1]x\"", "for=host.example", "for=_", "for=\"unknown:x\"", "for=1.2.3.4;;by=x",
            "{}{}{}"})
    void garbageFallsBackToTheProxy(String header) {
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", header))).isEqualTo("10.0.0.2");
    }

    @Test
    void aBrokenLineLeftOfTheClientIsNeverRead() {
        CallRequest request = request("10.0.0.2",
                "Forwarded", "for=\"unterminated",
                "Forwarded", "for=198.51.100.7");
        assertThat(client(FORWARDED, request)).isEqualTo("198.51.100.7");
    }

    @Test
    void emptyElementsAreSkipped() {
        assertThat(client(FORWARDED, request("10.0.0.2", "Forwarded", " , for=198.51.100.7 ,, ")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void anXForwardedForHeaderIsNotReadWhenTheProxiesMaintainForwarded() {
        CallRequest request = request("10.0.0.2", "X-Forwarded-For", "6.6.6.6");
        assertThat(client(FORWARDED, request)).isEqualTo("10.0.0.2");
    }
}
