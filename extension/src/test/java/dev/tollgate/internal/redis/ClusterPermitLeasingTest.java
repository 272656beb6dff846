package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
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
 * The leasing contract on a real three-master Redis Cluster, connected through the example {@code cluster.yaml}: the
 * lease script declares every key it writes (a fixed window's three counters included), all under the partition's
 * hash tag, so each lease is one script call on one master. Once the suite has run, no node has answered
 * {@code CROSSSLOT}.
 */
class ClusterPermitLeasingTest extends PermitLeasingContract {

    private static RedisClusterProcesses cluster;
    private static Path clientDir;

    @BeforeAll
    static void start() {
        cluster = RedisClusterProcesses.start(RedisBinary.EMBEDDED_6_2, 0, 5000);
        clientDir = ClusterConnections.newDirectory();
    }

    @AfterAll
    static void stop() {
        // Each test closes its own backends; only the cluster and the client files are left.
        ClusterConnections.stop("Cluster permit leasing", null, cluster, clientDir);
    }

    @Override
    protected RedisSettings settings() {
        return ClusterConnections.settings(cluster, clientDir);
    }

    @Override
    protected void flushAll() {
        cluster.masters().forEach(master -> master.call("FLUSHALL"));
    }

    @Override
    protected Object get(String key) {
        return ownerOfKey(key).call("GET", key);
    }

    @Override
    protected List<String> allKeys() {
        return keysOnMasters();
    }

    private static List<String> keysOnMasters() {
        List<String> keys = new ArrayList<>();
        for (RedisClusterProcesses.Node master : cluster.masters()) {
            try (RedisInspector inspector = master.inspector()) {
                keys.addAll(inspector.keys());
            }
        }
        return keys;
    }

    @Override
    protected long pttl(String key) {
        return (Long) ownerOfKey(key).call("PTTL", key);
    }

    private static RedisClusterProcesses.Node ownerOfKey(String key) {
        return cluster.ownerOf(ClusterConnections.keySlot(cluster, key), cluster.masters().get(0));
    }

    /**
     * Leases of 30 partitions: every key the lease script writes (the state, a fixed window's counter of the current
     * window, the set of lessees) is in the slot of its partition's hash tag, on that slot's master, with a TTL; and
     * the partitions' leases reach every master.
     */
    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"FIXED_WINDOW", "TOKEN_BUCKET"})
    void leasesOfThirtyPartitionsWriteOnlyTheirSlotOnEveryMaster(Algorithm algorithm) {
        LimitPolicy policy = algorithm == Algorithm.FIXED_WINDOW
                ? LimitPolicy.window(algorithm, 1000, HOUR)
                : LimitPolicy.tokenBucket(1000, DAY, 1000);
        String limiter = "spread" + algorithm.ordinal();
        RedisRateLimitBackend backend = backend();
        Set<RedisClusterProcesses.Node> holders = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String partition = "p" + i + "-" + limiter;
            LimitRequest request = new LimitRequest(limiter, partition, policy, 1, null, true);
            assertThat(backend.acquire(List.of(request)).permitted()).isTrue();

            int slot = RedisRateLimitBackend.slot(partition);
            RedisClusterProcesses.Node master = cluster.ownerOf(slot, cluster.masters().get(0));
            List<String> written = keysOf(partition);
            String state = KEYS.key(request);
            String stateKey = algorithm == Algorithm.FIXED_WINDOW ? written.stream()
                    .filter(key -> !key.endsWith(LeaseScript.ACTIVE_SUFFIX)).findFirst().orElse(state) : state;
            // The state (for a fixed window, the counter of the current window) and the set of lessees.
            assertThat(written).as("keys of %s", partition)
                    .containsExactlyInAnyOrder(stateKey, state + LeaseScript.ACTIVE_SUFFIX);
            if (algorithm == Algorithm.FIXED_WINDOW) {
                assertThat(stateKey).as("a counter of the window").matches(
                        java.util.regex.Pattern.quote(state) + "[012]");
            }
            for (String key : written) {
                assertThat(ClusterConnections.keySlot(cluster, key)).as("slot of %s", key).isEqualTo(slot);
                assertThat(master.call("EXISTS", key)).as("%s on the master of its slot", key).isEqualTo(1L);
                assertThat((Long) master.call("PTTL", key)).as("PTTL of %s", key).isBetween(1L, DAY);
            }
            holders.add(master);
        }
        assertThat(holders).hasSize(RedisClusterProcesses.MASTERS);
    }

    /** Every key, on any master, whose hash tag is {@code partition}. */
    private static List<String> keysOf(String partition) {
        List<String> found = new ArrayList<>();
        for (String key : keysOnMasters()) {
            if (key.contains("{" + partition + "}")) {
                found.add(key);
            }
        }
        return found;
    }
}
