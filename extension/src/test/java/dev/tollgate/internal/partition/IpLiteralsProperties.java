package dev.tollgate.internal.partition;

import dev.tollgate.internal.ForAll;
import dev.tollgate.internal.RandomText;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static dev.tollgate.internal.ForAll.check;
import static dev.tollgate.internal.ForAll.checkShrinking;
import static dev.tollgate.internal.partition.AddressTexts.LITERAL;
import static dev.tollgate.internal.partition.AddressTexts.LITERAL_ALPHABET;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link IpLiterals}: what it accepts is exactly an RFC 3986 literal, and every address has one text. */
class IpLiteralsProperties {

    @Test
    void anyTextIsAnAddressOnlyIfItIsAnRfc3986Literal() {
        checkShrinking(RandomText::arbitrary, text -> {
            byte[] address = IpLiterals.parse(text);
            if (address != null) {
                assertThat(text).matches(LITERAL);
                assertThat(address.length).isIn(4, 16);
            }
        });
    }

    @Test
    void aSliceOfAnyTextIsReadAsIfItWereTheWholeText() {
        check(random -> {
            String text = random.nextBoolean() ? RandomText.arbitrary(random)
                    : RandomText.nearMiss(random, AddressTexts.write(random, AddressTexts.address(random)),
                            LITERAL_ALPHABET + ",;=\"");
            int from = random.nextInt(text.length() + 1);
            return new Slice(text, from, from + random.nextInt(text.length() - from + 1));
        }, slice -> assertThat(IpLiterals.parse(slice.text, slice.from, slice.to))
                .isEqualTo(IpLiterals.parse(slice.text.substring(slice.from, slice.to))));
    }

    @Test
    void nearMissesAreAddressesExactlyWhenTheyAreRfc3986Literals() {
        checkShrinking(random -> RandomText.nearMiss(random, AddressTexts.write(random, AddressTexts.address(random)),
                LITERAL_ALPHABET), text -> {
            byte[] address = IpLiterals.parse(text);
            if (LITERAL.matcher(text).matches()) {
                // a literal: the JDK reads it without any name lookup, and unmaps IPv4-mapped addresses too
                assertThat(address).as("the literal %s", text).isEqualTo(jdk(text));
            } else {
                assertThat(address).as("not a literal: %s", text).isNull();
            }
        });
    }

    @Test
    void namesAndOtherNumberNotationsAreNeverAddresses() {
        check(AddressTexts::notALiteral, text -> assertThat(IpLiterals.parse(text)).isNull());
    }

    @Test
    void everyWayOfWritingAnAddressFormatsAsItsOneCanonicalText() {
        check(random -> {
            byte[] address = AddressTexts.anyBytes(random);
            return new Writing(AddressTexts.canonical(address), AddressTexts.write(random, address));
        }, writing -> {
            byte[] address = IpLiterals.parse(writing.text);
            assertThat(address).as("%s written as %s", writing.canonical, writing.text).isNotNull();
            assertThat(IpLiterals.format(address)).isEqualTo(writing.canonical);
            assertThat(address.length).isEqualTo(writing.canonical.contains(":") ? 16 : 4);
        });
    }

    @Test
    void theCanonicalTextOfAnAddressReadsBackAsThatAddress() {
        check(AddressTexts::anyBytes, bytes -> {
            byte[] address = AddressTexts.unmapped(bytes);
            String text = IpLiterals.format(address);
            assertThat(text).isEqualTo(AddressTexts.canonical(address)).matches(LITERAL);
            assertThat(IpLiterals.parse(text)).isEqualTo(address);
        });
    }

    private static byte[] jdk(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private record Slice(String text, int from, int to) {
        @Override
        public String toString() {
            return "[" + from + ", " + to + ") of " + ForAll.show(text);
        }
    }

    private record Writing(String canonical, String text) {
    }
}
