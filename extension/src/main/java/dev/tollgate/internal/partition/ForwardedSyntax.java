package dev.tollgate.internal.partition;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the hops of one line of a forwarding header, and the client address in one hop.
 *
 * <p>Nothing here throws on bad input: a line that cannot be read gives {@code null}, an unreadable hop gives
 * {@link #GARBAGE}, and the caller falls back to the connection's address.
 */
final class ForwardedSyntax {

    /** A hop that names no usable address: RFC 7239 {@code unknown}, an obfuscated {@code _id}, or no {@code for}. */
    static final byte[] UNKNOWN_HOP = new byte[0];

    /** A hop that is not well formed. */
    static final byte[] GARBAGE = new byte[0];

    private ForwardedSyntax() {
    }

    /** The comma-separated entries of an {@code X-Forwarded-For} line, left to right, blank ones dropped. */
    static List<String> xForwardedForHops(String line) {
        List<String> hops = new ArrayList<>(4);
        int start = 0;
        while (start <= line.length()) {
            int comma = line.indexOf(',', start);
            int end = comma < 0 ? line.length() : comma;
            String hop = line.substring(start, end).strip();
            if (!hop.isEmpty()) {
                hops.add(hop);
            }
            start = end + 1;
        }
        return hops;
    }

    /**
     * The {@code for} values of an RFC 7239 {@code Forwarded} line, one per element, left to right, unquoted;
     * {@code null} for an element without {@code for}. Empty elements are dropped. Returns {@code null} if the
     * line is not well formed (an unterminated quote, a parameter without {@code =}, a repeated {@code for}).
     */
    static List<String> forwardedHops(String line) {
        List<String> hops = new ArrayList<>(4);
        int length = line.length();
        int i = skipWhitespace(line, 0);
        while (i < length) {
            if (line.charAt(i) == ',') {
                i = skipWhitespace(line, i + 1);
                continue;
            }
            String forValue = null;
            boolean hasFor = false;
            while (true) {
                int nameStart = i;
                while (i < length && isTokenChar(line.charAt(i))) {
                    i++;
                }
                if (i == nameStart || i == length || line.charAt(i) != '=') {
                    return null;
                }
                boolean isFor = i - nameStart == 3 && line.regionMatches(true, nameStart, "for", 0, 3);
                i++;
                String value;
                if (i < length && line.charAt(i) == '"') {
                    StringBuilder quoted = new StringBuilder();
                    i++;
                    while (i < length && line.charAt(i) != '"') {
                        if (line.charAt(i) == '\\') {
                            i++;
                            if (i == length) {
                                return null;
                            }
                        }
                        quoted.append(line.charAt(i));
                        i++;
                    }
                    if (i == length) {
                        return null;
                    }
                    i++;
                    value = quoted.toString();
                } else {
                    // a token; lenient about ':' and brackets, which some proxies write unquoted
                    int valueStart = i;
                    while (i < length && isUnquotedValueChar(line.charAt(i))) {
                        i++;
                    }
                    if (i == valueStart) {
                        return null;
                    }
                    value = line.substring(valueStart, i);
                }
                if (isFor) {
                    if (hasFor) {
                        return null;
                    }
                    hasFor = true;
                    forValue = value;
                }
                i = skipWhitespace(line, i);
                if (i == length || line.charAt(i) == ',') {
                    break;
                }
                if (line.charAt(i) != ';') {
                    return null;
                }
                i = skipWhitespace(line, i + 1);
            }
            hops.add(forValue);
        }
        return hops;
    }

    /**
     * The address in an {@code X-Forwarded-For} entry: an IP literal, {@code [IPv6]} with an optional port, or
     * IPv4 with a port; {@code unknown} gives {@link #UNKNOWN_HOP}.
     */
    static byte[] xForwardedForAddress(String hop) {
        if (hop.equalsIgnoreCase("unknown")) {
            return UNKNOWN_HOP;
        }
        return node(hop, false);
    }

    /**
     * The address in a {@code Forwarded} {@code for} value (RFC 7239 section 6: {@code node = nodename [":" port]}),
     * {@link #UNKNOWN_HOP} for {@code null} (no {@code for}), {@code unknown} and obfuscated identifiers.
     */
    static byte[] forwardedAddress(String forValue) {
        if (forValue == null) {
            return UNKNOWN_HOP;
        }
        int colon = forValue.startsWith("[") ? -1 : forValue.indexOf(':');
        String name = colon >= 0 && forValue.indexOf(':', colon + 1) < 0 ? forValue.substring(0, colon) : forValue;
        if (name.equalsIgnoreCase("unknown") || isObfuscated(name)) {
            return colon < 0 || isPort(forValue, colon + 1, true) ? UNKNOWN_HOP : GARBAGE;
        }
        return node(forValue, true);
    }

    private static byte[] node(String node, boolean obfuscatedPortAllowed) {
        byte[] address;
        if (node.startsWith("[")) {
            int close = node.indexOf(']');
            if (close < 0 || (close + 1 < node.length()
                    && (node.charAt(close + 1) != ':' || !isPort(node, close + 2, obfuscatedPortAllowed)))) {
                return GARBAGE;
            }
            address = IpLiterals.parse(node, 1, close);
            int colon = node.indexOf(':');
            // brackets hold IPv6 only
            return address == null || colon < 0 || colon > close ? GARBAGE : address;
        }
        int colon = node.indexOf(':');
        if (colon >= 0 && node.indexOf(':', colon + 1) < 0) {
            // IPv4 with a port
            if (!isPort(node, colon + 1, obfuscatedPortAllowed)) {
                return GARBAGE;
            }
            address = IpLiterals.parse(node, 0, colon);
            return address == null || address.length != 4 ? GARBAGE : address;
        }
        address = IpLiterals.parse(node);
        return address == null ? GARBAGE : address;
    }

    private static boolean isObfuscated(String name) {
        if (name.length() < 2 || name.charAt(0) != '_') {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!isObfuscatedChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 7239: {@code port = 1*5DIGIT}, {@code obfport = "_" 1*(ALPHA / DIGIT / "." / "_" / "-")}. */
    private static boolean isPort(String text, int from, boolean obfuscatedAllowed) {
        int length = text.length() - from;
        if (length <= 0) {
            return false;
        }
        if (text.charAt(from) == '_') {
            if (!obfuscatedAllowed || length < 2) {
                return false;
            }
            for (int i = from + 1; i < text.length(); i++) {
                if (!isObfuscatedChar(text.charAt(i))) {
                    return false;
                }
            }
            return true;
        }
        if (length > 5) {
            return false;
        }
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isObfuscatedChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }

    private static boolean isUnquotedValueChar(char c) {
        return isTokenChar(c) || c == ':' || c == '[' || c == ']';
    }

    /** RFC 9110 {@code tchar}. */
    static boolean isTokenChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        switch (c) {
            case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
            case '-': case '.': case '^': case '_': case '`': case '|': case '~':
                return true;
            default:
                return false;
        }
    }

    private static int skipWhitespace(String text, int i) {
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
