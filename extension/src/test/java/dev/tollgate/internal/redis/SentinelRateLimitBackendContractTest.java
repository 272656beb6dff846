package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitBackendContract;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisSentinelGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend contract through Redis Sentinel: a master, a replica and three Sentinels, reached through the shipped
 * {@code server-config/redisson/sentinel.yaml} (with this group's Sentinel addresses), as
 * {@code tollgate.redis.config-file} would.
 */
class SentinelRateLimitBackendContractTest extends RateLimitBackendContract {

    private static RedisSentinelGroup sentinel;
    private static RedisRateLimitBackend backend;

    @BeforeAll
    static void start() {
        sentinel = RedisSentinelGroup.start(RedisBinary.EMBEDDED_6_2);
        backend = RedisRateLimitBackend.connect(SentinelSettings.of(sentinel));
    }

    @AfterAll
    static void stop() {
        try {
            if (backend != null) {
                backend.close();
            }
        } finally {
            if (sentinel != null) {
                sentinel.close();
            }
        }
    }

    @Override
    protected RateLimitBackend backend() {
        return backend;
    }

    /** Not vacuous: the contract's decisions are scripts run by the master the Sentinels name, not by its replica. */
    @Test
    void decisionsAreScriptsOnTheMasterTheSentinelsName() {
        int masterPort = sentinel.masterPort();
        try (RedisInspector master = sentinel.inspector(masterPort);
             RedisInspector replica = sentinel.inspector(sentinel.otherNode(masterPort))) {
            long before = scripts(master);
            LimitRequest request = new LimitRequest(freshLimiter(), "p",
                    LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, 60_000), 1);
            assertThat(backend.acquire(List.of(request)).permitted()).isTrue();
            assertThat(scripts(master)).isEqualTo(before + 1);
            assertThat(scripts(replica)).as("the replica only applies what the master replicates").isZero();
        }
    }

    private static long scripts(RedisInspector server) {
        var calls = server.commandCalls();
        return calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
    }
}
