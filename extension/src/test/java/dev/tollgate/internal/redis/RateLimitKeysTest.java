package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key layout, without Redis. State already in Redis is found only under the same keys: a change here makes
 * every limit start afresh on upgrade, so the exact shapes and ids are pinned.
 */
class RateLimitKeysTest {

    private static final LimitPolicy FIXED = LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, 60_000);

    private final RateLimitKeys keys = new RateLimitKeys("app");

    @Test
    void aKeyIsThePrefixThePartitionAsHashTagAndTheLimiterId() {
        assertThat(keys.key(new LimitRequest("com.acme.OrderResource/create", "u:abc", FIXED, 1)))
                .isEqualTo("app:{u:abc}l_BGX4PD");
    }

    @Test
    void theSharedPartitionHasATagOfItsOwn() {
        // {} would make Redis hash the whole key, scattering one limiter's partitions over the cluster
        assertThat(keys.key(new LimitRequest("orders", "", FIXED, 1))).isEqualTo("app:{-}aZik7QJb");
        assertThat(RateLimitKeys.hashTag("")).isEqualTo("-");
        assertThat(RateLimitKeys.hashTag("u:abc")).isEqualTo("u:abc");
    }

    @Test
    void limiterIdsAreEightBase64UrlCharactersOfSha256OverTheAlgorithmCodeAndTheName() {
        // SHA-256("F:com.acme.OrderResource/create"), first 6 bytes, base64url
        assertThat(RateLimitKeys.limiterId(Algorithm.FIXED_WINDOW, "com.acme.OrderResource/create"))
                .isEqualTo("l_BGX4PD");
        assertThat(RateLimitKeys.limiterId(Algorithm.TOKEN_BUCKET, "com.acme.OrderResource/create"))
                .isEqualTo("FnkHVtnG");
    }

    @Test
    void limiterIdsAreShortAndDependOnTheAlgorithm() {
        String fixed = RateLimitKeys.limiterId(Algorithm.FIXED_WINDOW, "com.acme.OrderResource/create");
        assertThat(fixed).matches("[A-Za-z0-9_-]{8}");
        assertThat(RateLimitKeys.limiterId(Algorithm.TOKEN_BUCKET, "com.acme.OrderResource/create"))
                .isNotEqualTo(fixed);
        assertThat(RateLimitKeys.limiterId(Algorithm.FIXED_WINDOW, "com.acme.OrderResource/list"))
                .isNotEqualTo(fixed);
    }

    @Test
    void oneLimiterUnderAnotherAlgorithmGetsOtherKeys() {
        LimitRequest fixed = new LimitRequest("orders", "u:abc", FIXED, 1);
        LimitRequest bucket = new LimitRequest("orders", "u:abc", LimitPolicy.tokenBucket(5, 60_000, 5), 1);
        assertThat(keys.key(bucket))
                .isEqualTo("app:{u:abc}" + RateLimitKeys.limiterId(Algorithm.TOKEN_BUCKET, "orders"))
                .isNotEqualTo(keys.key(fixed));
    }

    @Test
    void aHashedPartitionsKeyFitsTheAllocatorsFortyEightByteClass() {
        // a hashed partition has 24 characters; with the default prefix the key has 43 (a fixed window adds 1)
        String partition = "p:" + "A".repeat(22);
        String key = new RateLimitKeys(RedisSettings.DEFAULT_KEY_PREFIX)
                .key(new LimitRequest("com.acme.OrderResource/create", partition, FIXED, 1));
        assertThat(key).hasSize(43);
    }
}
