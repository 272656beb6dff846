package dev.tollgate.internal.partition;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Turns a caller-controlled value into a partition: {@code <source>:<22 characters>}, the characters being the
 * first 16 bytes (128 bits) of SHA-256 over the value, in unpadded base64url. Every key source goes through here,
 * so a partition is always bounded (a few characters plus 22) and brace-free whatever the caller sends.
 *
 * <ul>
 *   <li>128 bits: an accidental collision among 2<sup>32</sup> callers of one limit has a chance of about
 *       2<sup>-65</sup>; steering one's own value into a given caller's partition needs a second preimage
 *       (2<sup>128</sup> work). Colliding two values one chose oneself gains nothing. The full 32 bytes would
 *       only make every Redis key 21 characters longer.</li>
 *   <li>The source prefix keeps sources apart (a header equal to a principal's name is another partition), and
 *       the {@code ':'} keeps every hash apart from {@link PartitionKey#UNKNOWN} and from {@code ""}.</li>
 *   <li>Hashing also keeps principal names and addresses out of Redis in clear. It is pseudonymisation, not
 *       anonymisation: an IPv4 address can be found again by trying all 2<sup>32</sup>.</li>
 *   <li>The value is encoded char by char as UTF-8 encodes a code point below U+10000 (CESU-8). That equals UTF-8
 *       for all text without surrogates and, unlike {@code String.getBytes(UTF_8)}, which turns an unpaired
 *       surrogate into {@code '?'}, gives different bytes for different strings.</li>
 * </ul>
 *
 * <p>Per call: no regex, no formatting, one digest reused per thread, and two allocations (the result's bytes
 * and its string), however long the value.
 */
final class PartitionHash {

    /** Characters after the source prefix and its {@code ':'}. */
    static final int HASH_LENGTH = 22;

    private static final int HASH_BYTES = 16;
    private static final byte[] BASE64URL =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(StandardCharsets.US_ASCII);

    // Only JDK types are kept per thread, so pooled server threads never pin the application's class loader.
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(PartitionHash::sha256);
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[512]);

    private PartitionHash() {
    }

    /**
     * The partition of {@code value} from {@code source}.
     *
     * @param source a short tag of the key source, ASCII without braces or {@code ':'} (a constant, not checked)
     * @param value  any string, of any length
     */
    static String of(String source, String value) {
        MessageDigest digest = SHA_256.get();
        byte[] buffer = BUFFER.get();
        int n = 0;
        for (int i = 0, length = value.length(); i < length; i++) {
            if (n > buffer.length - 3) {
                digest.update(buffer, 0, n);
                n = 0;
            }
            char c = value.charAt(i);
            if (c < 0x80) {
                buffer[n++] = (byte) c;
            } else if (c < 0x800) {
                buffer[n++] = (byte) (0xC0 | c >> 6);
                buffer[n++] = (byte) (0x80 | c & 0x3F);
            } else {
                buffer[n++] = (byte) (0xE0 | c >> 12);
                buffer[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                buffer[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
        digest.update(buffer, 0, n);
        try {
            digest.digest(buffer, 0, buffer.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 did not fit in " + buffer.length + " bytes", e);
        }

        int prefix = source.length();
        byte[] out = new byte[prefix + 1 + HASH_LENGTH];
        for (int i = 0; i < prefix; i++) {
            out[i] = (byte) source.charAt(i);
        }
        out[prefix] = ':';
        int o = prefix + 1;
        int i = 0;
        for (; i + 3 <= HASH_BYTES; i += 3) {
            int bits = (buffer[i] & 0xFF) << 16 | (buffer[i + 1] & 0xFF) << 8 | buffer[i + 2] & 0xFF;
            out[o++] = BASE64URL[bits >>> 18];
            out[o++] = BASE64URL[bits >>> 12 & 0x3F];
            out[o++] = BASE64URL[bits >>> 6 & 0x3F];
            out[o++] = BASE64URL[bits & 0x3F];
        }
        // 16 = 5 * 3 + 1: the last byte makes two characters, unpadded
        int last = buffer[i] & 0xFF;
        out[o++] = BASE64URL[last >>> 2];
        out[o] = BASE64URL[(last & 0x03) << 4];
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
