package dev.tollgate.internal.jaxrs;

/**
 * The RFC 9457 problem details of a refused call, written as JSON by hand: which JSON-B or Jackson provider
 * handles {@code application/problem+json} differs between servers and applications, and the body must not.
 *
 * <p>The type is {@value #TYPE} rather than {@code about:blank}: {@code about:blank} means "nothing beyond the
 * status code" (RFC 9457 section 4.2.1), while this problem defines two extension members, {@code limiter} and
 * {@code retryAfter}, which a client may rely on. (The rate-limit draft's own
 * {@code https://iana.org/assignments/http-problem-types#quota-exceeded} is not registered while it is a draft.)
 *
 * @param limiter           the limiter that refused the call
 * @param retryAfterSeconds the {@code Retry-After} value, in seconds
 */
public record RateLimitProblem(String limiter, long retryAfterSeconds) {

    public static final String TYPE = "https://tollgate.dev/problems/rate-limit-exceeded";
    public static final String MEDIA_TYPE = "application/problem+json";

    /** The problem as one line of JSON. */
    public String toJson() {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"type\":");
        appendString(json, TYPE);
        json.append(",\"title\":\"Too Many Requests\",\"status\":429,\"detail\":");
        appendString(json, "Rate limit exceeded for " + limiter + "; retry after " + retryAfterSeconds
                + (retryAfterSeconds == 1 ? " second" : " seconds"));
        json.append(",\"limiter\":");
        appendString(json, limiter);
        json.append(",\"retryAfter\":").append(retryAfterSeconds).append('}');
        return json.toString();
    }

    /**
     * Appends {@code value} as a JSON string (RFC 8259 section 7): quote, backslash and control characters
     * escaped; U+2028/U+2029 too, so the text is also a valid JavaScript literal; an unpaired surrogate is
     * escaped as {@code \\uXXXX} rather than turned into {@code ?} by the UTF-8 encoder.
     */
    static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || isUnpairedSurrogate(value, i)) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static boolean isUnpairedSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(value.charAt(i - 1));
        }
        return false;
    }
}
