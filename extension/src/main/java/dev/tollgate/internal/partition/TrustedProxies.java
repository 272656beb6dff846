package dev.tollgate.internal.partition;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The proxies whose forwarding header the {@code ip} key source believes ({@code tollgate.trusted-proxies}),
 * parsed once: IPv4 and IPv6 addresses and CIDR ranges, and the header they maintain. Immutable.
 *
 * <p>Matching compares the address with each range in turn; lists of proxies are short.
 */
public final class TrustedProxies {

    /** No proxy is trusted: the {@code ip} source always uses the connection's own address. */
    public static final TrustedProxies NONE =
            new TrustedProxies(List.of(), ForwardingHeader.X_FORWARDED_FOR, new long[0], new long[0]);

    private final List<String> ranges;
    private final ForwardingHeader header;
    // range r: an address a matches when (a & masks[2r..2r+1]) == networks[2r..2r+1], as two 64-bit halves of
    // the 128-bit IPv6 form; IPv4 addresses and ranges live in the ::ffff:0:0/96 block.
    private final long[] networks;
    private final long[] masks;

    private TrustedProxies(List<String> ranges, ForwardingHeader header, long[] networks, long[] masks) {
        this.ranges = ranges;
        this.header = header;
        this.networks = networks;
        this.masks = masks;
    }

    /**
     * Parses a list such as {@code "10.0.0.0/8, 192.168.1.10, ::1, 2001:db8::/64"}: addresses and
     * {@code address/prefix} ranges separated by commas or white space. A blank list trusts no proxy.
     *
     * @param list   the configured value; literals only, host names are not resolved
     * @param header the header those proxies maintain
     * @throws IllegalArgumentException naming every entry that is not an address or range, or whose range has bits
     *                                  set after the prefix (probably a typo: {@code 10.1.0.0/8})
     */
    public static TrustedProxies parse(String list, ForwardingHeader header) {
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(header, "header");
        List<String> ranges = new ArrayList<>();
        List<long[]> parsed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int i = 0;
        while (i < list.length()) {
            char c = list.charAt(i);
            if (c == ',' || Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int end = i;
            while (end < list.length() && list.charAt(end) != ',' && !Character.isWhitespace(list.charAt(end))) {
                end++;
            }
            String entry = list.substring(i, end);
            i = end;
            long[] range = parseRange(entry, problems);
            if (range != null) {
                ranges.add(describe(range));
                parsed.add(range);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        long[] networks = new long[parsed.size() * 2];
        long[] masks = new long[parsed.size() * 2];
        for (int r = 0; r < parsed.size(); r++) {
            long[] range = parsed.get(r);
            networks[2 * r] = range[0];
            networks[2 * r + 1] = range[1];
            masks[2 * r] = range[2];
            masks[2 * r + 1] = range[3];
        }
        return new TrustedProxies(List.copyOf(ranges), header, networks, masks);
    }

    /** The ranges, in canonical form ({@code 192.168.1.10/32}), in configured order. */
    public List<String> ranges() {
        return ranges;
    }

    /** The header the proxies maintain. */
    public ForwardingHeader header() {
        return header;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} (4 or 16 bytes, as {@link IpLiterals#parse} gives) is a trusted proxy. */
    boolean contains(byte[] address) {
        long high = high(address);
        long low = low(address);
        for (int r = 0; r < networks.length; r += 2) {
            if ((high & masks[r]) == networks[r] && (low & masks[r + 1]) == networks[r + 1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "TrustedProxies" + ranges + " via " + header;
    }

    /** {network high, network low, mask high, mask low}, or {@code null} after adding a problem. */
    private static long[] parseRange(String entry, List<String> problems) {
        int slash = entry.indexOf('/');
        String literal = slash < 0 ? entry : entry.substring(0, slash);
        byte[] address = IpLiterals.parse(literal);
        if (address == null) {
            problems.add("'" + entry + "' is not an IP address or CIDR range (host names are not resolved)");
            return null;
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            prefix = parsePrefix(entry, slash + 1);
            if (address.length == 4 && literal.indexOf(':') >= 0) {
                // an IPv4-mapped range, ::ffff:10.0.0.0/104, is the IPv4 range 10.0.0.0/8
                if (prefix < 96 || prefix > 128) {
                    problems.add("'" + entry + "' has a prefix length outside 96..128");
                    return null;
                }
                prefix -= 96;
            } else if (prefix < 0 || prefix > bits) {
                problems.add("'" + entry + "' has a prefix length outside 0.." + bits);
                return null;
            }
        }
        // an IPv4 prefix counts from bit 96 of its mapped IPv6 form
        int prefix128 = address.length == 4 ? prefix + 96 : prefix;
        long maskHigh = mask(prefix128);
        long maskLow = mask(prefix128 - 64);
        long high = high(address);
        long low = low(address);
        if ((high & maskHigh) != high || (low & maskLow) != low) {
            byte[] network = toBytes(high & maskHigh, low & maskLow, address.length);
            problems.add("'" + entry + "' has bits set after the prefix (did you mean "
                    + IpLiterals.format(network) + "/" + prefix + "?)");
            return null;
        }
        return new long[] {high, low, maskHigh, maskLow};
    }

    private static int parsePrefix(String entry, int from) {
        int to = entry.length();
        if (from == to || to - from > 3) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = entry.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + c - '0';
        }
        return value;
    }

    /** The top {@code bits} bits of a 64-bit half set (0 or less: none, 64 or more: all). */
    private static long mask(int bits) {
        if (bits <= 0) {
            return 0;
        }
        return bits >= 64 ? -1L : -1L << (64 - bits);
    }

    private static long high(byte[] address) {
        if (address.length == 4) {
            return 0;
        }
        long high = 0;
        for (int b = 0; b < 8; b++) {
            high = high << 8 | address[b] & 0xFF;
        }
        return high;
    }

    private static long low(byte[] address) {
        long low = 0;
        if (address.length == 4) {
            low = 0xFFFFL << 32;
            for (int b = 0; b < 4; b++) {
                low |= (long) (address[b] & 0xFF) << (24 - 8 * b);
            }
            return low;
        }
        for (int b = 8; b < 16; b++) {
            low = low << 8 | address[b] & 0xFF;
        }
        return low;
    }

    private static byte[] toBytes(long high, long low, int length) {
        byte[] address = new byte[length];
        for (int b = 0; b < length; b++) {
            int bitFromEnd = (length - 1 - b) * 8;
            address[b] = (byte) (length == 4 || b >= 8 ? low >>> (bitFromEnd % 64) : high >>> (bitFromEnd - 64));
        }
        return address;
    }

    private static String describe(long[] range) {
        int prefix = Long.bitCount(range[2]) + Long.bitCount(range[3]);
        boolean ipv4 = range[0] == 0 && (range[1] >>> 32) == 0xFFFFL && prefix >= 96;
        byte[] network = toBytes(range[0], range[1], ipv4 ? 4 : 16);
        return IpLiterals.format(network) + "/" + (ipv4 ? prefix - 96 : prefix);
    }
}
