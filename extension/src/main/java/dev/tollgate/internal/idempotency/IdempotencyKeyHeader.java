package dev.tollgate.internal.idempotency;

import java.util.List;

/**
 * Reads the {@code Idempotency-Key} request header (IETF draft {@code httpapi-idempotency-key-header}): a
 * structured-field string, which Tollgate also accepts bare. A key is 1 to 255 characters; a bare key has only
 * visible ASCII ({@code !} to {@code ~}) and does not start with a quote, a quoted one may also hold spaces and
 * the escapes {@code \"} and {@code \\}. Anything else, and a header sent more than once, is refused with the
 * reason, for a 400.
 */
public final class IdempotencyKeyHeader {

    public static final String NAME = "Idempotency-Key";
    public static final int MAX_LENGTH = 255;

    private IdempotencyKeyHeader() {
    }

    /**
     * The key in the header's values, or {@code null} when there is none.
     *
     * @throws InvalidIdempotencyKeyException if the header is present but not a valid key
     */
    public static String parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidIdempotencyKeyException("the " + NAME + " header must be sent once, was sent "
                    + values.size() + " times");
        }
        String value = values.get(0);
        // a value that starts with a quote is a quoted string, also a lone quote (which does not end it)
        String key = !value.isEmpty() && value.charAt(0) == '"' ? unquote(value) : bare(value);
        if (key.isEmpty()) {
            throw new InvalidIdempotencyKeyException("the " + NAME + " header must not be empty");
        }
        if (key.length() > MAX_LENGTH) {
            throw new InvalidIdempotencyKeyException("the " + NAME + " header must be at most " + MAX_LENGTH
                    + " characters, was " + key.length());
        }
        return key;
    }

    private static String bare(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw invalidCharacter(c, i);
            }
        }
        return value;
    }

    private static String unquote(String value) {
        if (value.length() < 2 || value.charAt(value.length() - 1) != '"') {
            throw new InvalidIdempotencyKeyException("the " + NAME + " header starts a quoted string but does not"
                    + " end it");
        }
        StringBuilder key = new StringBuilder(value.length());
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                char next = i + 1 < value.length() - 1 ? value.charAt(i + 1) : 0;
                if (next != '"' && next != '\\') {
                    throw new InvalidIdempotencyKeyException("the " + NAME + " header has an invalid escape at"
                            + " position " + i + " (only \\\" and \\\\ are allowed)");
                }
                key.append(next);
                i++;
            } else if (c == '"') {
                throw new InvalidIdempotencyKeyException("the " + NAME + " header has an unescaped quote at position "
                        + i);
            } else if (c < 0x20 || c > 0x7e) {
                throw invalidCharacter(c, i);
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static InvalidIdempotencyKeyException invalidCharacter(char c, int position) {
        return new InvalidIdempotencyKeyException(String.format("the %s header must hold visible ASCII characters"
                + " only, was U+%04X at position %d", NAME, (int) c, position));
    }
}
