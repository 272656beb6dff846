package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the Redis backend keeps each limit's state. Keys are {@code <prefix>:{<partition>}<limiter id>}
 * ({@code -} for the shared partition), and a fixed window's counter adds one digit for its window (its number
 * modulo 3, added by {@code rate_limit.lua}): the partition is the hash tag, so the limits of one caller on one method
 * land in one slot of a Redis Cluster and are decided by one script.
 *
 * <p>The limiter id is 8 base64url characters (48 bits) of SHA-256 over the algorithm and the limiter's name, rather
 * than the name itself: Redis keeps every key's name in memory, and with names such as
 * {@code com.acme.OrderResource/create} the name would be most of what a partition's state costs. With a hashed
 * partition (24 characters) a key has 43 characters, within the allocator's 48-byte class. Two limiters of one
 * partition share counters only if their ids collide: among a thousand limiter names, a chance of about
 * 2<sup>-29</sup>. The algorithm is part of the id, so that a limiter redeployed with another algorithm starts afresh
 * instead of meeting state of another shape.
 *
 * <p>Changing any of this orphans the state already in Redis: every limit would start afresh on upgrade.
 */
public final class RateLimitKeys {

    /** An empty tag ({@code {}}) would make Redis hash the whole key, so the shared partition gets one of its own. */
    private static final String SHARED_PARTITION_TAG = "-";

    private final String keyStart;
    /** Per algorithm, the key's end (<code>}&lt;limiter id&gt;</code>) of each limiter name seen: hashed once. */
    private final Map<Algorithm, Map<String, String>> keyEnds = new EnumMap<>(Algorithm.class);

    /** @param keyPrefix first segment of every key */
    RateLimitKeys(String keyPrefix) {
        this.keyStart = keyPrefix + ":{";
        for (Algorithm algorithm : Algorithm.values()) {
            keyEnds.put(algorithm, new ConcurrentHashMap<>());
        }
    }

    /** The key under which {@code request}'s state is kept. */
    String key(LimitRequest request) {
        Algorithm algorithm = request.policy().algorithm();
        String end = keyEnds.get(algorithm).computeIfAbsent(request.limiter(),
                limiter -> "}" + limiterId(algorithm, limiter));
        return keyStart + hashTag(request.partition()) + end;
    }

    /** The hash tag of {@code partition}'s keys: what a Redis Cluster hashes to find their slot. */
    static String hashTag(String partition) {
        return partition.isEmpty() ? SHARED_PARTITION_TAG : partition;
    }

    /**
     * The limiter's part of its keys: 48 bits of SHA-256 over the algorithm's code (as {@code rate_limit.lua} knows
     * it) and the name, in 8 base64url characters.
     */
    public static String limiterId(Algorithm algorithm, String limiter) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((RateLimitScript.code(algorithm) + ":" + limiter).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
