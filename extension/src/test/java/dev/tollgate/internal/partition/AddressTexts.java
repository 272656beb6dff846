package dev.tollgate.internal.partition;

import dev.tollgate.internal.RandomText;

import java.util.Random;
import java.util.regex.Pattern;

/**
 * IP addresses and the texts that write them, for the properties of the {@code ip} source: generated addresses,
 * every valid way to write one, near misses, and a reference reading built from the RFC grammars rather than from
 * the code under test.
 */
final class AddressTexts {

    // RFC 3986 section 3.2.2: IPv4address and IPv6address (dec-octet has no leading zeros)
    private static final String DEC_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    static final String IPV4 = DEC_OCTET + "(?:\\." + DEC_OCTET + "){3}";
    private static final String H16 = "[0-9A-Fa-f]{1,4}";
    private static final String LS32 = "(?:" + H16 + ":" + H16 + "|" + IPV4 + ")";
    static final String IPV6 = "(?:"
            + "(?:" + H16 + ":){6}" + LS32
            + "|::(?:" + H16 + ":){5}" + LS32
            + "|(?:" + H16 + ")?::(?:" + H16 + ":){4}" + LS32
            + "|(?:(?:" + H16 + ":){0,1}" + H16 + ")?::(?:" + H16 + ":){3}" + LS32
            + "|(?:(?:" + H16 + ":){0,2}" + H16 + ")?::(?:" + H16 + ":){2}" + LS32
            + "|(?:(?:" + H16 + ":){0,3}" + H16 + ")?::" + H16 + ":" + LS32
            + "|(?:(?:" + H16 + ":){0,4}" + H16 + ")?::" + LS32
            + "|(?:(?:" + H16 + ":){0,5}" + H16 + ")?::" + H16
            + "|(?:(?:" + H16 + ":){0,6}" + H16 + ")?::"
            + ")";
    static final Pattern LITERAL = Pattern.compile(IPV4 + "|" + IPV6);

    /** What near misses are made of: the characters of literals, ports, brackets, zones and prefixes. */
    static final String LITERAL_ALPHABET = "0123456789abcdefABCDEF:.::..[]%/_xX- ";

    private AddressTexts() {
    }

    /** An address as {@code IpLiterals.parse} gives it: 4 bytes, or 16 that are not IPv4-mapped. */
    static byte[] address(Random random) {
        return unmapped(anyBytes(random));
    }

    /** 4 or 16 bytes, 16 sometimes IPv4-mapped; IPv6 groups are often zero, so that {@code ::} has work. */
    static byte[] anyBytes(Random random) {
        if (random.nextInt(3) == 0) {
            byte[] ipv4 = new byte[4];
            for (int b = 0; b < 4; b++) {
                ipv4[b] = (byte) RandomText.oneOf(random, 0, 1, 10, 127, 192, 255, random.nextInt(256)).intValue();
            }
            return ipv4;
        }
        byte[] ipv6 = new byte[16];
        for (int g = 0; g < 8; g++) {
            int group = switch (random.nextInt(5)) {
                case 0, 1 -> 0;
                case 2 -> random.nextInt(16);
                case 3 -> 0xFFFF;
                default -> random.nextInt(0x10000);
            };
            ipv6[2 * g] = (byte) (group >> 8);
            ipv6[2 * g + 1] = (byte) group;
        }
        if (random.nextInt(6) == 0) {
            // IPv4-mapped: ::ffff:a.b.c.d
            for (int b = 0; b < 10; b++) {
                ipv6[b] = 0;
            }
            ipv6[10] = (byte) 0xFF;
            ipv6[11] = (byte) 0xFF;
        }
        return ipv6;
    }

    /** The IPv4 address of an IPv4-mapped IPv6 address; any other address as it is. */
    static byte[] unmapped(byte[] address) {
        if (address.length == 16) {
            boolean mapped = address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
            for (int b = 0; b < 10; b++) {
                mapped &= address[b] == 0;
            }
            if (mapped) {
                return new byte[] {address[12], address[13], address[14], address[15]};
            }
        }
        return address;
    }

    /** 16 bytes: an IPv4 address as its IPv4-mapped IPv6 address, an IPv6 address as it is. */
    static byte[] mapped(byte[] address) {
        if (address.length == 16) {
            return address;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(address, 0, mapped, 12, 4);
        return mapped;
    }

    /**
     * The one text of an address: dotted quad for IPv4 (and IPv4-mapped), RFC 5952 otherwise. Written from the RFC:
     * try the longest runs of zero groups first, the leftmost first, and compress the first that is found.
     */
    static String canonical(byte[] bytes) {
        byte[] address = unmapped(bytes);
        if (address.length == 4) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "."
                    + (address[3] & 0xFF);
        }
        String[] groups = new String[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = Integer.toHexString(group(address, g));
        }
        for (int length = 8; length >= 2; length--) {
            for (int start = 0; start + length <= 8; start++) {
                boolean zeros = true;
                for (int g = start; g < start + length; g++) {
                    zeros &= groups[g].equals("0");
                }
                if (zeros) {
                    return String.join(":", java.util.Arrays.copyOfRange(groups, 0, start)) + "::"
                            + String.join(":", java.util.Arrays.copyOfRange(groups, start + length, 8));
                }
            }
        }
        return String.join(":", groups);
    }

    /**
     * A valid way to write {@code bytes}: any case, groups padded with zeros or not, any one run of zero groups
     * (one or more) as {@code ::}, the last 32 bits as a dotted quad or not; an IPv4 address also in IPv4-mapped
     * IPv6 form.
     */
    static String write(Random random, byte[] bytes) {
        byte[] address = bytes;
        if (address.length == 4) {
            if (random.nextInt(3) != 0) {
                return dotted(address, 0);
            }
            address = mapped(address);
        }
        boolean dottedTail = random.nextInt(4) == 0;
        int groupCount = dottedTail ? 6 : 8;
        // pick a run of zero groups to compress, if any
        int gapStart = -1;
        int gapLength = 0;
        if (random.nextInt(4) != 0) {
            int start = random.nextInt(groupCount);
            if (group(address, start) == 0) {
                int end = start;
                while (end < groupCount && group(address, end) == 0) {
                    end++;
                }
                gapStart = start;
                gapLength = 1 + random.nextInt(end - start);
            }
        }
        StringBuilder text = new StringBuilder();
        for (int g = 0; g < groupCount; g++) {
            if (g == gapStart) {
                text.append("::");
                g += gapLength - 1;
                continue;
            }
            if (g > 0 && g != gapStart + gapLength) {
                text.append(':');
            }
            String hex = Integer.toHexString(group(address, g));
            hex = "0".repeat(random.nextInt(5 - hex.length())) + hex;
            text.append(RandomText.anyCase(random, hex));
        }
        if (dottedTail) {
            if (gapStart < 0 || gapStart + gapLength < 6) {
                text.append(':');
            }
            text.append(dotted(address, 12));
        }
        return text.toString();
    }

    /** Text that is no IP literal although it may look like one: names, numbers in other notations, near misses. */
    static String notALiteral(Random random) {
        String text = switch (random.nextInt(6)) {
            case 0, 1 -> nameOrNumber(random);
            case 2 -> write(random, address(random)) + RandomText.oneOf(random, "%eth0", "%1", "/24", ".", ":", " ");
            case 3 -> "[" + dotted(address(random), 0) + "]";
            default -> RandomText.nearMiss(random, write(random, address(random)), LITERAL_ALPHABET);
        };
        return LITERAL.matcher(text).matches() ? text + "x" : text;
    }

    /** A host name, an obfuscated identifier, {@code unknown} or {@code localhost}, or a number in another notation. */
    static String nameOrNumber(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> hostName(random);
            case 1 -> "_" + RandomText.over(random, "abcXYZ019._-", 8);
            case 2 -> RandomText.anyCase(random, RandomText.oneOf(random, "unknown", "localhost", "ip6-localhost"));
            default -> otherNumberNotation(random);
        };
    }

    /** Numbers that some parsers (inet_aton, the JDK) read as IPv4 addresses, and RFC 3986 does not. */
    static String otherNumberNotation(Random random) {
        int a = random.nextInt(256);
        int b = random.nextInt(256);
        return switch (random.nextInt(7)) {
            case 0 -> a + "." + b + "." + random.nextInt(65536);                         // 1.2.3
            case 1 -> a + "." + random.nextInt(1 << 24);                                   // 1.2
            case 2 -> Long.toString(random.nextLong() & 0xFFFF_FFFFL);                     // 2130706433
            case 3 -> "0x" + Integer.toHexString(a) + "." + b + ".0.1";                    // 0x7f.0.0.1
            case 4 -> "0" + Integer.toOctalString(a) + ".0" + b % 8 + ".0" + b % 7 + ".01"; // 0177.01.02.01
            case 5 -> a + "." + b + "." + a + "." + b + "." + a;                            // five parts
            default -> "0x" + Integer.toHexString(a) + "." + Integer.toHexString(b);        // 0x7f.1
        };
    }

    static String hostName(Random random) {
        StringBuilder name = new StringBuilder();
        int labels = 1 + random.nextInt(4);
        for (int l = 0; l < labels; l++) {
            if (l > 0) {
                name.append('.');
            }
            // every label has a letter that is no hex digit, so the name is never a literal
            name.append(RandomText.over(random, "abcdef0123456789-", 6)).append(RandomText.oneOf(random, "g", "x", "z"))
                    .append(RandomText.over(random, "abcdefghijklmnopqrstuvwxyz0123456789", 5));
        }
        return name.toString();
    }

    /** {@code address[from..from+4)} as a dotted quad. */
    static String dotted(byte[] address, int from) {
        return (address[from] & 0xFF) + "." + (address[from + 1] & 0xFF) + "." + (address[from + 2] & 0xFF) + "."
                + (address[from + 3] & 0xFF);
    }

    static int group(byte[] address, int g) {
        return (address[g * 2] & 0xFF) << 8 | address[g * 2 + 1] & 0xFF;
    }
}
