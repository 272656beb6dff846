package dev.tollgate.internal.partition;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class IpLiteralsTest {

    @ParameterizedTest
    @CsvSource({
            "192.0.2.1, 192.0.2.1",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "::1, ::1",
            "0:0:0:0:0:0:0:1, ::1",
            "::, ::",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
            "2001:db8::, 2001:db8::",
            "fe80::1:2, fe80::1:2",
            "::ffff:192.0.2.1, 192.0.2.1",
            "0:0:0:0:0:ffff:c000:0201, 192.0.2.1",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
            "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
            "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
    })
    void parsesLiteralsIntoOneCanonicalForm(String literal, String canonical) throws Exception {
        byte[] address = IpLiterals.parse(literal);
        assertThat(address).isNotNull();
        assertThat(IpLiterals.format(address)).isEqualTo(canonical);
        // same address as the JDK reads it (literals only, so InetAddress does not resolve anything here)
        assertThat(InetAddress.getByAddress(address)).isEqualTo(InetAddress.getByName(canonical));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4",
            "1.2.3.04", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "-1.2.3.4", "1.2.3.a", ":", ":::", "1::2::3",
            "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "::g", "1:", ":1", "1:2:3:4:5:6:7:8::",
            "::1.2.3", "::1.2.3.256", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0", "[::1]", "::ffff:1.2.3.4:80",
            "0x7f.0.0.1", "2130706433"})
    void rejectsAnythingThatIsNotExactlyALiteral(String text) {
        assertThat(IpLiterals.parse(text)).isNull();
    }
}
