package dev.tollgate.internal.ratelimit;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names the holders of concurrency permits: one name per call, unique across every instance sharing a store, so
 * that only the call that took a permit renews it or gives it back. A name is this JVM's random prefix (72 bits from
 * {@link SecureRandom}, drawn once) and a counter: unique within the JVM by the counter, across JVMs by the prefix
 * (two of a million instances share a prefix with a chance of about 2<sup>-33</sup>), and cheap to make on every
 * call. Names are 14 to 26 characters from {@code [A-Za-z0-9_.-]}.
 */
public final class PermitHolders {

    private static final String PREFIX;
    private static final AtomicLong COUNTER = new AtomicLong();

    static {
        byte[] random = new byte[9];
        new SecureRandom().nextBytes(random);
        PREFIX = Base64.getUrlEncoder().withoutPadding().encodeToString(random) + ".";
    }

    private PermitHolders() {
    }

    /** A new holder's name. */
    public static String next() {
        return PREFIX + Long.toString(COUNTER.incrementAndGet(), 36);
    }

    /** Whether {@code name} may name a holder: 1 to 64 characters from {@code [A-Za-z0-9_.-]}. */
    static boolean valid(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
