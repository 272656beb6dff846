package dev.tollgate.internal.partition;

/**
 * IP address literals: parsing that never resolves a name, and one canonical text per address.
 *
 * <p>{@code InetAddress.getByName} would send anything that is not a literal to DNS, here with a name chosen by the
 * caller; these methods only read the characters. Addresses are 4 bytes (IPv4) or 16 bytes (IPv6). An IPv4-mapped
 * IPv6 address ({@code ::ffff:192.0.2.1}, what a dual-stack socket reports for an IPv4 client) is its IPv4
 * address, so a client has one address however it is written.
 */
final class IpLiterals {

    private IpLiterals() {
    }

    /** The address written in {@code text}, or {@code null} if it is not exactly an IPv4 or IPv6 literal. */
    static byte[] parse(String text) {
        return parse(text, 0, text.length());
    }

    /** The address written in {@code text[from, to)}, or {@code null} if it is not exactly an IP literal. */
    static byte[] parse(String text, int from, int to) {
        if (from >= to) {
            return null;
        }
        if (text.indexOf(':', from) < 0 || text.indexOf(':', from) >= to) {
            byte[] address = new byte[4];
            return parseIpv4(text, from, to, address, 0) ? address : null;
        }
        byte[] address = parseIpv6(text, from, to);
        return address == null ? null : unmapped(address);
    }

    /**
     * Dotted quad, four decimal numbers 0 to 255 without leading zeros (some parsers read {@code 010} as octal,
     * so it has no single meaning).
     */
    private static boolean parseIpv4(String text, int from, int to, byte[] into, int offset) {
        int i = from;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= to || text.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && isDigit(text.charAt(i))) {
                value = value * 10 + text.charAt(i) - '0';
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false;
            }
            into[offset + part] = (byte) value;
        }
        return i == to;
    }

    /** RFC 4291 section 2.2: eight groups, one {@code ::}, and optionally a dotted quad as the last 32 bits. */
    private static byte[] parseIpv6(String text, int from, int to) {
        byte[] address = new byte[16];
        int groups = 0;
        int gap = -1;
        int i = from;
        if (text.charAt(i) == ':') {
            if (i + 1 >= to || text.charAt(i + 1) != ':') {
                return null;
            }
            gap = 0;
            i += 2;
        }
        while (i < to) {
            if (groups == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < to && hexValue(text.charAt(i)) >= 0) {
                value = (value << 4) | hexValue(text.charAt(i));
                i++;
                if (i - start > 4) {
                    break;
                }
            }
            if (i < to && text.charAt(i) == '.') {
                if (groups > 6 || !parseIpv4(text, start, to, address, groups * 2)) {
                    return null;
                }
                groups += 2;
                break;
            }
            if (i == start || i - start > 4) {
                return null;
            }
            address[groups * 2] = (byte) (value >> 8);
            address[groups * 2 + 1] = (byte) value;
            groups++;
            if (i == to) {
                break;
            }
            if (text.charAt(i) != ':' || ++i == to) {
                return null;
            }
            if (text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = groups;
                i++;
            }
        }
        if (gap < 0) {
            return groups == 8 ? address : null;
        }
        if (groups == 8) {
            return null;
        }
        int tail = (groups - gap) * 2;
        System.arraycopy(address, gap * 2, address, 16 - tail, tail);
        for (int b = gap * 2; b < 16 - tail; b++) {
            address[b] = 0;
        }
        return address;
    }

    private static byte[] unmapped(byte[] address) {
        for (int b = 0; b < 10; b++) {
            if (address[b] != 0) {
                return address;
            }
        }
        if (address[10] != (byte) 0xFF || address[11] != (byte) 0xFF) {
            return address;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }

    /**
     * The canonical text of an address: dotted quad, or RFC 5952 for IPv6 (lower case, no leading zeros, the
     * longest run of two or more zero groups, the first of equals, as {@code ::}).
     */
    static String format(byte[] address) {
        StringBuilder text = new StringBuilder(39);
        if (address.length == 4) {
            for (int b = 0; b < 4; b++) {
                if (b > 0) {
                    text.append('.');
                }
                text.append(address[b] & 0xFF);
            }
            return text.toString();
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (group(address, g) != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && group(address, g) == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                text.append("::");
                g += bestLength - 1;
                continue;
            }
            if (g > 0 && g != bestStart + bestLength) {
                text.append(':');
            }
            text.append(Integer.toHexString(group(address, g)));
        }
        return text.toString();
    }

    private static int group(byte[] address, int g) {
        return (address[g * 2] & 0xFF) << 8 | address[g * 2 + 1] & 0xFF;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
