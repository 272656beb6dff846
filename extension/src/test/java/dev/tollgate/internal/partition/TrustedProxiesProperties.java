package dev.tollgate.internal.partition;

import dev.tollgate.internal.RandomText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.tollgate.internal.ForAll.check;
import static dev.tollgate.internal.ForAll.checkShrinking;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link TrustedProxies}: a range contains exactly the addresses that share its prefix, an IPv4 address being its
 * IPv4-mapped IPv6 address; anything configured is read or refused by name, never by another exception.
 */
class TrustedProxiesProperties {

    @Test
    void aRangeContainsExactlyTheAddressesThatShareItsPrefix() {
        check(TrustedProxiesProperties::rangeAndAddress, probe -> {
            TrustedProxies proxies = TrustedProxies.parse(probe.range.text, ForwardingHeader.X_FORWARDED_FOR);
            assertThat(proxies.ranges()).containsExactly(probe.range.canonical());
            assertThat(proxies.contains(probe.address)).as("%s contains %s", probe.range.canonical(),
                    AddressTexts.canonical(probe.address)).isEqualTo(probe.range.contains(probe.address));
        });
    }

    @Test
    void bitsSetAfterThePrefixAreRefusedWithTheNetworkSuggested() {
        check(random -> {
            Range range = range(random);
            int bits = range.network.length * 8;
            if (range.prefix == bits) {
                return null;
            }
            byte[] host = range.network.clone();
            int bit = range.prefix + random.nextInt(bits - range.prefix);
            host[bit / 8] ^= (byte) (0x80 >>> bit % 8);
            String literal = host.length == 4 ? AddressTexts.dotted(host, 0) : AddressTexts.write(random, host);
            return new Misconfigured(literal + "/" + range.prefix, range.canonical());
        }, misconfigured -> {
            if (misconfigured == null) {
                return;
            }
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> TrustedProxies.parse(misconfigured.entry, ForwardingHeader.FORWARDED))
                    .withMessage("'%s' has bits set after the prefix (did you mean %s?)", misconfigured.entry,
                            misconfigured.suggestion);
        });
    }

    @Test
    void theCanonicalRangesReadBackAsThemselves() {
        check(random -> {
            List<String> entries = new ArrayList<>();
            for (int r = random.nextInt(5); r >= 0; r--) {
                entries.add(range(random).text);
            }
            return String.join(RandomText.oneOf(random, ",", ", ", " ", "\t,\n"), entries);
        }, list -> {
            TrustedProxies proxies = TrustedProxies.parse(list, ForwardingHeader.X_FORWARDED_FOR);
            TrustedProxies again = TrustedProxies.parse(String.join(",", proxies.ranges()), proxies.header());
            assertThat(again.ranges()).isEqualTo(proxies.ranges());
        });
    }

    @Test
    void anyConfiguredTextIsReadOrRefusedNamingEveryEntryThatIsNoLiteral() {
        checkShrinking(random -> switch (random.nextInt(4)) {
            case 0 -> RandomText.arbitrary(random);
            case 1 -> range(random).text + "," + AddressTexts.notALiteral(random);
            case 2 -> RandomText.nearMiss(random, range(random).text, AddressTexts.LITERAL_ALPHABET + "/,");
            default -> AddressTexts.notALiteral(random) + "/" + random.nextInt(200);
        }, list -> {
            List<String> notLiterals = new ArrayList<>();
            for (String entry : entries(list)) {
                int slash = entry.indexOf('/');
                String literal = slash < 0 ? entry : entry.substring(0, slash);
                if (!AddressTexts.LITERAL.matcher(literal).matches()) {
                    notLiterals.add(entry);
                }
            }
            try {
                TrustedProxies proxies = TrustedProxies.parse(list, ForwardingHeader.FORWARDED);
                assertThat(notLiterals).isEmpty();
                assertThat(proxies.ranges()).hasSize(entries(list).size());
            } catch (IllegalArgumentException refused) {
                for (String entry : notLiterals) {
                    assertThat(refused.getMessage()).contains("'" + entry + "' is not an IP address or CIDR range");
                }
            } catch (RuntimeException other) {
                fail("threw " + other + " for " + list, other);
            }
        });
    }

    /** The entries as the configuration is documented: separated by commas or white space. */
    private static List<String> entries(String list) {
        List<String> entries = new ArrayList<>();
        StringBuilder entry = new StringBuilder();
        for (char c : (list + ",").toCharArray()) {
            if (c == ',' || Character.isWhitespace(c)) {
                if (entry.length() > 0) {
                    entries.add(entry.toString());
                }
                entry.setLength(0);
            } else {
                entry.append(c);
            }
        }
        return entries;
    }

    /** A range, written in any valid way; an IPv4 range sometimes in IPv4-mapped form ({@code ::ffff:a.b.c.d/104}). */
    static Range range(Random random) {
        byte[] address = AddressTexts.address(random);
        int bits = address.length * 8;
        int prefix = RandomText.oneOf(random, 0, bits, bits, random.nextInt(bits + 1), random.nextInt(bits + 1));
        byte[] network = address.clone();
        for (int bit = prefix; bit < bits; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> bit % 8);
        }
        boolean mappedText = network.length == 4 && random.nextInt(4) == 0;
        String literal = mappedText ? AddressTexts.write(random, AddressTexts.mapped(network))
                : network.length == 4 ? AddressTexts.dotted(network, 0) : AddressTexts.write(random, network);
        if (mappedText && !literal.contains(":")) {
            literal = "::ffff:" + literal;
        }
        Range range = new Range(network, prefix, null, mappedText);
        boolean slash = prefix < bits || random.nextBoolean();
        return new Range(network, prefix, slash ? literal + "/" + range.prefixAsWritten() : literal, mappedText);
    }

    private static Probe rangeAndAddress(Random random) {
        Range range = range(random);
        byte[] address;
        switch (random.nextInt(3)) {
            case 0:
                // inside: the network with random host bits
                address = AddressTexts.address(random);
                if (address.length == range.network.length) {
                    for (int bit = 0; bit < range.prefix; bit++) {
                        int mask = 0x80 >>> bit % 8;
                        address[bit / 8] = (byte) (address[bit / 8] & ~mask | range.network[bit / 8] & mask);
                    }
                    address = AddressTexts.unmapped(address);
                }
                break;
            case 1:
                // just outside: one bit of the prefix flipped
                address = range.network.clone();
                if (range.prefix > 0) {
                    int bit = random.nextInt(range.prefix);
                    address[bit / 8] ^= (byte) (0x80 >>> bit % 8);
                    address = AddressTexts.unmapped(address);
                }
                break;
            default:
                address = AddressTexts.address(random);
        }
        return new Probe(range, address);
    }

    record Range(byte[] network, int prefix, String text, boolean mappedText) {

        String canonical() {
            return AddressTexts.canonical(network) + "/" + prefix;
        }

        int prefixAsWritten() {
            return mappedText ? prefix + 96 : prefix;
        }

        /** Whether the first {@code prefix} bits of the 128-bit (IPv4-mapped) forms are equal. */
        boolean contains(byte[] address) {
            byte[] mine = AddressTexts.mapped(network);
            byte[] theirs = AddressTexts.mapped(address);
            int offset = network.length == 4 ? 96 : 0;
            for (int bit = 0; bit < offset + prefix; bit++) {
                int mask = 0x80 >>> bit % 8;
                if ((mine[bit / 8] & mask) != (theirs[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    record Probe(Range range, byte[] address) {
        @Override
        public String toString() {
            return range.text + " and " + AddressTexts.canonical(address);
        }
    }

    record Misconfigured(String entry, String suggestion) {
    }
}
