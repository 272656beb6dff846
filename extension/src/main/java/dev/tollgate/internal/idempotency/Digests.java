package dev.tollgate.internal.idempotency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The hashes idempotency keys and fingerprints are stored as: SHA-256 over length-framed parts (each part preceded
 * by its length, so {@code ("ab", "c")} and {@code ("a", "bc")} differ), in URL-safe Base64 without padding
 * (43 characters). Stored keys thereby reveal nothing a caller sent and have a fixed, short length.
 */
public final class Digests {

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private Digests() {
    }

    /** The stored key of {@code key} sent by {@code principal} ({@code ""} if anonymous) within {@code scope}. */
    public static String scopedKey(String scope, String principal, String key) {
        MessageDigest digest = sha256();
        frame(digest, scope.getBytes(StandardCharsets.UTF_8));
        frame(digest, principal.getBytes(StandardCharsets.UTF_8));
        frame(digest, key.getBytes(StandardCharsets.UTF_8));
        return BASE64.encodeToString(digest.digest());
    }

    /** A fingerprint of {@code parts}. */
    public static String fingerprint(byte[]... parts) {
        MessageDigest digest = sha256();
        for (byte[] part : parts) {
            frame(digest, part);
        }
        return BASE64.encodeToString(digest.digest());
    }

    /** Finishes a digest fed by {@link #frame} into its text form. */
    public static String text(MessageDigest digest) {
        return BASE64.encodeToString(digest.digest());
    }

    /**
     * Finishes a digest fed with one part as it streamed by, whose length was not known up front (a request body):
     * the length frames it at the end instead of the start.
     */
    public static String textOfStreamedPart(MessageDigest digest, long length) {
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(length).array());
        return text(digest);
    }

    /** Adds one length-framed part to {@code digest}. */
    public static void frame(MessageDigest digest, byte[] part) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
        digest.update(part);
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
