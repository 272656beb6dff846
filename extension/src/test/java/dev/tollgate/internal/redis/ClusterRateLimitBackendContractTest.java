package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.PermitHolders;
import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitBackendContract;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisClusterProcesses;
import dev.tollgate.testing.RedisInspector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate-limit backend contract on a real three-master Redis Cluster, connected through the example
 * {@code cluster.yaml}. The contract's limits mostly use the shared partition, whose keys all carry the hash tag
 * {@code {-}} and so share one slot; the tests of several partitions spread over the masters. Once the suite has run,
 * no node has answered {@code CROSSSLOT}.
 */
class ClusterRateLimitBackendContractTest extends RateLimitBackendContract {

    private static RedisClusterProcesses cluster;
    private static Path clientDir;
    private static RedisRateLimitBackend backend;

    @BeforeAll
    static void start() {
        cluster = RedisClusterProcesses.start(RedisBinary.EMBEDDED_6_2, 0, 5000);
        clientDir = ClusterConnections.newDirectory();
        backend = RedisRateLimitBackend.connect(ClusterConnections.settings(cluster, clientDir));
    }

    @AfterAll
    static void stop() {
        ClusterConnections.stop("Cluster rate-limit contract", backend, cluster, clientDir);
    }

    @Override
    protected RateLimitBackend backend() {
        return backend;
    }

    /**
     * Every key a decision writes, the fixed window's per-window counter included (a key the script derives, not one
     * it is given), is in the slot of the partition's hash tag, on that slot's master; and partitions spread over
     * every master.
     */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void everyKeyOfAPartitionIsInTheSlotOfItsHashTag(Algorithm algorithm) {
        String limiter = freshLimiter();
        LimitPolicy policy = switch (algorithm) {
            case TOKEN_BUCKET -> LimitPolicy.tokenBucket(10, 60_000, 10);
            case GCRA -> LimitPolicy.gcra(10, 60_000, 10);
            default -> LimitPolicy.window(algorithm, 10, 60_000);
        };
        Set<RedisClusterProcesses.Node> holders = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String partition = "p" + i + "-" + limiter;
            LimitRequest request = new LimitRequest(limiter, partition, policy, 1);
            if (request.holds()) {
                request = request.heldBy(PermitHolders.next());
            }
            assertThat(backend.acquire(List.of(request)).permitted()).isTrue();

            int slot = RedisRateLimitBackend.slot(partition);
            RedisClusterProcesses.Node master = cluster.ownerOf(slot, cluster.masters().get(0));
            List<String> written = keysOf(partition);
            assertThat(written).as("one key per limit and partition").hasSize(1);
            assertThat(ClusterConnections.keySlot(cluster, written.get(0))).isEqualTo(slot);
            assertThat(master.call("EXISTS", written.get(0))).as("on the master of its slot").isEqualTo(1L);
            holders.add(master);
        }
        assertThat(holders).hasSize(RedisClusterProcesses.MASTERS);
    }

    /** Every key, on any master, whose hash tag is {@code partition}. */
    private static List<String> keysOf(String partition) {
        List<String> found = new ArrayList<>();
        for (RedisClusterProcesses.Node master : cluster.masters()) {
            try (RedisInspector inspector = master.inspector()) {
                for (String key : inspector.keys()) {
                    if (key.contains("{" + partition + "}")) {
                        found.add(key);
                    }
                }
            }
        }
        return found;
    }
}
