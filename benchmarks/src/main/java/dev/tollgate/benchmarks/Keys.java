package dev.tollgate.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The names every contender counts under, shaped as in production: a limiter named by Tollgate's default
 * ({@code <class>/<method>}) and partitions as Tollgate's key sources make them ({@code p:} and 22 characters of
 * base64url SHA-256 of a principal). Every contender gets the same limiter and partition strings; how it lays them
 * out in Redis is its own business (and part of what is measured).
 */
final class Keys {

    static final String LIMITER = "com.acme.OrderResource/create";

    private Keys() {
    }

    /** The partition of the {@code i}-th caller. */
    static String partition(int i) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("user-" + i).getBytes(StandardCharsets.UTF_8));
            byte[] first = new byte[16];
            System.arraycopy(digest, 0, first, 0, 16);
            return "p:" + Base64.getUrlEncoder().withoutPadding().encodeToString(first);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} partitions, the first {@code offset} skipped. */
    static String[] partitions(int offset, int count) {
        String[] partitions = new String[count];
        for (int i = 0; i < count; i++) {
            partitions[i] = partition(offset + i);
        }
        return partitions;
    }

    /** One name for peers that take a single string: limiter and partition. */
    static String peerName(String partition) {
        return LIMITER + ":" + partition;
    }
}
