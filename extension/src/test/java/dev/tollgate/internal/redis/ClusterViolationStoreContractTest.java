package dev.tollgate.internal.redis;

import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.violations.ViolationStore;
import dev.tollgate.internal.violations.ViolationStoreContract;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisClusterProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The violation store contract on a real three-master Redis Cluster: a ranking is one sorted set whose hash tag is
 * its limiter, so its script touches one slot.
 */
class ClusterViolationStoreContractTest extends ViolationStoreContract {

    private static RedisClusterProcesses cluster;
    private static Path clientDir;
    private static RedisRateLimitBackend backend;
    private static RedisViolationStore store;

    @BeforeAll
    static void start() {
        cluster = RedisClusterProcesses.start(RedisBinary.EMBEDDED_6_2, 0, 5000);
        clientDir = ClusterConnections.newDirectory();
        backend = RedisRateLimitBackend.connect(ClusterConnections.settings(cluster, clientDir));
        store = new RedisViolationStore(backend.client(), RedisSettings.DEFAULT_KEY_PREFIX, Duration.ofSeconds(5),
                BackendCircuit.none(), TOP, 60_000);
    }

    @AfterAll
    static void stop() {
        ClusterConnections.stop("Cluster violation contract", backend, cluster, clientDir);
    }

    @Override
    protected ViolationStore store() {
        return store;
    }
}
