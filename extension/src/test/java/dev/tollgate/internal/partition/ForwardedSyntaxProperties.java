package dev.tollgate.internal.partition;

import dev.tollgate.internal.ForAll;
import dev.tollgate.internal.RandomText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tollgate.internal.ForAll.check;
import static dev.tollgate.internal.ForAll.checkShrinking;
import static dev.tollgate.internal.partition.AddressTexts.IPV4;
import static dev.tollgate.internal.partition.AddressTexts.IPV6;
import static dev.tollgate.internal.partition.ForwardedSyntax.GARBAGE;
import static dev.tollgate.internal.partition.ForwardedSyntax.UNKNOWN_HOP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ForwardedSyntax}: it never throws, reads back the hops a proxy writes, and takes nothing for an address
 * but an IP literal, with a port and brackets where the header's syntax allows them.
 */
class ForwardedSyntaxProperties {

    private static final String PORT = "[0-9]{1,5}";
    private static final String OBFUSCATED = "_[A-Za-z0-9._-]+";

    /** An {@code X-Forwarded-For} entry that names an address; group 1, 2 or 3 is the literal. */
    static final Pattern X_FORWARDED_FOR_NODE = Pattern.compile(
            "(" + IPV4 + "|" + IPV6 + ")|\\[(" + IPV6 + ")\\](?::" + PORT + ")?|(" + IPV4 + "):" + PORT);

    /** RFC 7239 {@code node} that names an address, plus a bare IPv6 literal; group 1, 2 or 3 is the literal. */
    static final Pattern FORWARDED_NODE = Pattern.compile(
            "(" + IPV4 + "|" + IPV6 + ")|\\[(" + IPV6 + ")\\](?::(?:" + PORT + "|" + OBFUSCATED + "))?|(" + IPV4
                    + "):(?:" + PORT + "|" + OBFUSCATED + ")");

    private static final String HOP_ALPHABET = AddressTexts.LITERAL_ALPHABET + "unkow_:";

    @Test
    void xForwardedForHopsAreTheNonBlankEntriesBetweenCommas() {
        checkShrinking(random -> random.nextBoolean() ? RandomText.arbitrary(random) : xForwardedForLine(random), line -> {
            List<String> expected = new ArrayList<>();
            for (String entry : line.split(",", -1)) {
                if (!entry.isBlank()) {
                    expected.add(entry.strip());
                }
            }
            assertThat(ForwardedSyntax.xForwardedForHops(line)).isEqualTo(expected);
        });
    }

    @Test
    void anyForwardedLineIsReadOrRefusedWithoutThrowing() {
        checkShrinking(random -> random.nextBoolean() ? RandomText.arbitrary(random)
                : RandomText.nearMiss(random, forwardedLine(random).text, ",;=\"\\ \tfor_[]:"), line -> {
            List<String> hops = ForwardedSyntax.forwardedHops(line);
            if (hops != null) {
                for (String hop : hops) {
                    byte[] address = ForwardedSyntax.forwardedAddress(hop);
                    assertThat(address == GARBAGE || address == UNKNOWN_HOP || address.length == 4
                            || address.length == 16).isTrue();
                }
            }
        });
    }

    @Test
    void aForwardedLineReadsBackAsTheForValuesItWasWrittenWith() {
        check(ForwardedSyntaxProperties::forwardedLine,
                line -> assertThat(ForwardedSyntax.forwardedHops(line.text)).as(line.text).isEqualTo(line.forValues));
    }

    @Test
    void anXForwardedForEntryIsAnAddressExactlyWhenItIsALiteralWithAnOptionalPort() {
        checkShrinking(ForwardedSyntaxProperties::hop, hop -> {
            byte[] address = ForwardedSyntax.xForwardedForAddress(hop);
            Matcher node = X_FORWARDED_FOR_NODE.matcher(hop);
            if (hop.equalsIgnoreCase("unknown")) {
                assertThat(address).isSameAs(UNKNOWN_HOP);
            } else if (node.matches()) {
                assertThat(address).isEqualTo(IpLiterals.parse(literal(node)));
            } else {
                assertThat(address).isSameAs(GARBAGE);
            }
        });
    }

    @Test
    void aForwardedForValueIsAnAddressExactlyWhenItIsAnRfc7239Node() {
        checkShrinking(ForwardedSyntaxProperties::hop, hop -> {
            byte[] address = ForwardedSyntax.forwardedAddress(hop);
            Matcher node = FORWARDED_NODE.matcher(hop);
            if (noAddress(hop)) {
                assertThat(address).isSameAs(UNKNOWN_HOP);
            } else if (node.matches()) {
                assertThat(address).isEqualTo(IpLiterals.parse(literal(node)));
            } else {
                assertThat(address).isSameAs(GARBAGE);
            }
        });
        assertThat(ForwardedSyntax.forwardedAddress(null)).isSameAs(UNKNOWN_HOP);
    }

    @Test
    void namesAndOtherNumberNotationsAreNeverAddressesWithOrWithoutAPort() {
        check(random -> AddressTexts.nameOrNumber(random)
                + RandomText.oneOf(random, "", ":80", ":_p", ":" + random.nextInt(100_000)), text -> {
            assertThat(ForwardedSyntax.xForwardedForAddress(text)).isIn(GARBAGE, UNKNOWN_HOP);
            assertThat(ForwardedSyntax.forwardedAddress(text)).isIn(GARBAGE, UNKNOWN_HOP);
        });
    }

    /** RFC 7239 {@code unknown} or {@code obfnode}, each with an optional port, case-insensitive as the code is. */
    static boolean noAddress(String hop) {
        int colon = hop.indexOf(':');
        String name = colon < 0 ? hop : hop.substring(0, colon);
        String port = colon < 0 ? null : hop.substring(colon + 1);
        boolean named = name.equalsIgnoreCase("unknown") || name.matches(OBFUSCATED);
        return named && (port == null || port.matches(PORT + "|" + OBFUSCATED));
    }

    private static String literal(Matcher node) {
        for (int g = 1; g <= 3; g++) {
            if (node.group(g) != null) {
                return node.group(g);
            }
        }
        throw new AssertionError("no literal in " + node.group());
    }

    /** A hop: written by a proxy (an address with port and brackets, unknown, obfuscated), a near miss, or anything. */
    static String hop(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> nodeText(random);
            case 1 -> RandomText.nearMiss(random, nodeText(random), HOP_ALPHABET);
            case 2 -> AddressTexts.notALiteral(random);
            default -> RandomText.arbitrary(random);
        };
    }

    /** A node as proxies write it in either header. */
    static String nodeText(Random random) {
        byte[] address = AddressTexts.address(random);
        String port = RandomText.oneOf(random, "", ":" + random.nextInt(65536), ":_" + RandomText.over(random,
                "abc123._-", 5) + "a");
        switch (random.nextInt(6)) {
            case 0:
                return RandomText.anyCase(random, "unknown") + (random.nextBoolean() ? "" : port);
            case 1:
                return "_" + RandomText.over(random, "abcXYZ019._-", 8) + "z" + (random.nextBoolean() ? "" : port);
            case 2:
                return AddressTexts.write(random, address);
            default:
                if (address.length == 4 && random.nextBoolean()) {
                    return AddressTexts.dotted(address, 0) + port;
                }
                return "[" + AddressTexts.write(random, AddressTexts.mapped(address)) + "]" + port;
        }
    }

    private static String xForwardedForLine(Random random) {
        List<String> entries = new ArrayList<>();
        for (int e = random.nextInt(5); e >= 0; e--) {
            entries.add(RandomText.oneOf(random, "", " ", "\t") + (random.nextInt(4) == 0 ? hop(random)
                    : nodeText(random)) + RandomText.oneOf(random, "", " ", "  "));
        }
        return String.join(",", entries);
    }

    /** A {@code Forwarded} line and the {@code for} value of each element, as RFC 7239 proxies write them. */
    static ForwardedLine forwardedLine(Random random) {
        List<String> elements = new ArrayList<>();
        List<String> forValues = new ArrayList<>();
        for (int e = random.nextInt(5); e >= 0; e--) {
            List<String> pairs = new ArrayList<>();
            String forValue = random.nextInt(5) == 0 ? null
                    : random.nextInt(4) == 0 ? RandomText.arbitrary(random) : nodeText(random);
            List<String> names = new ArrayList<>(List.of("by", "proto", "host", "x-tls", "!#$%&'*+-.^_`|~")
                    .subList(0, random.nextInt(3)));
            if (forValue != null) {
                names.add(random.nextInt(names.size() + 1), RandomText.anyCase(random, "for"));
            } else if (names.isEmpty()) {
                names.add("proto");
            }
            for (String name : names) {
                String value = name.equalsIgnoreCase("for") ? forValue
                        : random.nextBoolean() ? "https" : RandomText.over(random, "a,b;c=\"\\ :[]\t", 8);
                pairs.add(name + "=" + value(random, value));
            }
            elements.add(String.join(separator(random, ';'), pairs));
            forValues.add(forValue);
            if (random.nextInt(6) == 0) {
                elements.add(RandomText.oneOf(random, "", " ", "\t "));
            }
        }
        return new ForwardedLine(RandomText.oneOf(random, "", " ", "\t") + String.join(separator(random, ','), elements)
                + RandomText.oneOf(random, "", " ", " ,", ", "), forValues);
    }

    /** A token when it can be one (and sometimes a quoted string anyway), else a quoted string with escapes. */
    static String value(Random random, String value) {
        boolean token = !value.isEmpty() && value.chars().allMatch(c -> ForwardedSyntax.isTokenChar((char) c)
                || c == ':' || c == '[' || c == ']');
        if (token && random.nextBoolean()) {
            return value;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\' || random.nextInt(10) == 0) {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString();
    }

    static String separator(Random random, char separator) {
        return RandomText.oneOf(random, "", " ", "\t") + separator + RandomText.oneOf(random, "", " ", " \t ");
    }

    record ForwardedLine(String text, List<String> forValues) {
        @Override
        public String toString() {
            return ForAll.show(text) + " with for values " + Arrays.toString(forValues.stream()
                    .map(v -> v == null ? null : ForAll.show(v)).toArray());
        }
    }
}
