package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisClusterProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis backend on a real three-master Redis Cluster ({@link RedisClusterProcesses}): limits of one partition
 * are decided in one slot, and limits whose keys fall in different slots are still decided all or nothing when nobody
 * races for the last permits.
 */
class RedisClusterTest {

    private static final long LONG = LimitPolicy.MAX_WINDOW_MILLIS;

    private static RedisClusterProcesses cluster;
    private static RedisRateLimitBackend backend;

    @BeforeAll
    static void start() {
        cluster = RedisClusterProcesses.start(RedisBinary.EMBEDDED_6_2, 0, 5000);
        Config config = new Config();
        // as RedissonClients does: the extension leaves out Kryo, Redisson's default codec
        config.setCodec(StringCodec.INSTANCE);
        var servers = config.useClusterServers();
        for (RedisClusterProcesses.Node master : cluster.masters()) {
            servers.addNodeAddress(master.address());
        }
        backend = new RedisRateLimitBackend(Redisson.create(config), true, "tollgate", Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        try {
            if (backend != null) {
                backend.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** Two partitions whose hash tags fall in different slots. */
    private static List<String> partitionsInDifferentSlots() {
        List<String> found = new ArrayList<>();
        for (int i = 0; found.size() < 2; i++) {
            String candidate = "p" + i;
            if (found.isEmpty() || RedisRateLimitBackend.slot(candidate) != RedisRateLimitBackend.slot(found.get(0))) {
                found.add(candidate);
            }
        }
        return found;
    }

    @Test
    void limitsOfOnePartitionAreDecidedTogether() {
        LimitRequest fast = new LimitRequest("cluster-fast", "alice", LimitPolicy.window(Algorithm.FIXED_WINDOW, 5, LONG), 1);
        LimitRequest slow = new LimitRequest("cluster-slow", "alice", LimitPolicy.tokenBucket(2, LONG, 2), 1);
        assertThat(backend.acquire(List.of(fast, slow)).permitted()).isTrue();
        assertThat(backend.acquire(List.of(fast, slow)).permitted()).isTrue();
        RateLimitDecision refused = backend.acquire(List.of(fast, slow));
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).remaining()).as("the fixed window had room: not consumed").isEqualTo(3);
    }

    @Test
    void limitsInDifferentSlotsAreCheckedBeforeAnyIsConsumed() {
        List<String> partitions = partitionsInDifferentSlots();
        LimitRequest generous = new LimitRequest("cluster-generous", partitions.get(0),
                LimitPolicy.window(Algorithm.SLIDING_WINDOW, 10, LONG), 1);
        LimitRequest strict = new LimitRequest("cluster-strict", partitions.get(1),
                LimitPolicy.window(Algorithm.FIXED_WINDOW, 2, LONG), 1);

        assertThat(backend.acquire(List.of(generous, strict)).permitted()).isTrue();
        assertThat(backend.acquire(List.of(generous, strict)).permitted()).isTrue();
        RateLimitDecision refused = backend.acquire(List.of(generous, strict));
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(1).permitted()).isFalse();
        assertThat(refused.outcome(0).remaining()).isEqualTo(8);
        assertThat(backend.peek(List.of(generous)).outcome(0).remaining()).as("not consumed").isEqualTo(8);
        assertThat(backend.peek(List.of(generous, strict)).outcome(1).remaining()).isZero();
    }
}
