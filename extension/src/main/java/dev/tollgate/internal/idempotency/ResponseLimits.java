package dev.tollgate.internal.idempotency;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What of an HTTP response is stored for replay: headers by an allow-list (never credentials), and bodies up to a
 * size cap.
 *
 * @param maxBodyBytes   the largest body stored; a larger one completes the call without a replayable body
 * @param replayedHeaders header names (lower case) stored and replayed
 */
public record ResponseLimits(int maxBodyBytes, Set<String> replayedHeaders) {

    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final Set<String> DEFAULT_HEADERS = Set.of("content-type", "content-language", "location", "etag",
            "last-modified", "link", "cache-control");
    /** Never stored, whatever the configuration says: replaying them would hand one caller's credentials on. */
    public static final Set<String> FORBIDDEN_HEADERS = Set.of("set-cookie", "set-cookie2", "authorization",
            "proxy-authorization", "www-authenticate", "proxy-authenticate", "cookie");

    public ResponseLimits {
        replayedHeaders = replayedHeaders.stream().map(name -> name.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean replays(String header) {
        return replayedHeaders.contains(header.toLowerCase(Locale.ROOT));
    }
}
