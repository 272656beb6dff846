package dev.tollgate.internal.redis;

import dev.tollgate.testing.RedisClusterProcesses;
import dev.tollgate.testing.RedisServerProcess;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the Redis Cluster tests connect: through the example {@code server-config/redisson/cluster.yaml}, its node
 * addresses replaced by the test cluster's, so that the example is what the tests exercise; and how they end.
 */
final class ClusterConnections {

    static final Path EXAMPLE = Path.of("..", "server-config", "redisson", "cluster.yaml").toAbsolutePath().normalize();

    private ClusterConnections() {
    }

    /** Settings reading a copy of the example YAML, written to {@code dir}, that names every node of {@code cluster}. */
    static RedisSettings settings(RedisClusterProcesses cluster, Path dir) {
        Path copy = cluster.writeRedissonConfig(EXAMPLE, dir);
        return new RedisSettings(Optional.empty(), Optional.of(copy.toString()), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), RedisSettings.DEFAULT_TRUSTSTORE_TYPE, 0,
                RedisSettings.DEFAULT_COMMAND_TIMEOUT, RedisSettings.DEFAULT_CONNECT_TIMEOUT,
                RedisSettings.DEFAULT_RETRY_ATTEMPTS, RedisSettings.DEFAULT_RETRY_INTERVAL,
                RedisSettings.DEFAULT_KEY_PREFIX);
    }

    /** A new directory for a test's client files. */
    static Path newDirectory() {
        return RedisServerProcess.newDirectory("cluster-client");
    }

    /**
     * Error replies every running node sent so far, by error code ({@code INFO errorstats}, Redis 6.2 and later),
     * summed over the nodes: e.g. {@code MOVED -> 3}.
     */
    static Map<String, Long> errorReplies(RedisClusterProcesses cluster) {
        Map<String, Long> errors = new TreeMap<>();
        for (RedisClusterProcesses.Node node : cluster.all()) {
            if (!node.process().isAlive()) {
                continue;
            }
            for (String line : ((String) node.call("INFO", "errorstats")).split("\r\n")) {
                if (line.startsWith("errorstat_")) {
                    String code = line.substring("errorstat_".length(), line.indexOf(':'));
                    long count = Long.parseLong(line.substring(line.indexOf("count=") + "count=".length()).trim());
                    errors.merge(code, count, Long::sum);
                }
            }
        }
        return errors;
    }

    /**
     * Ends a test class's cluster, whatever fails first: with a {@code suite} name, fails the class if any node
     * answered {@code CROSSSLOT} (printing every error reply by code under that name); then closes {@code client},
     * stops {@code cluster} and deletes {@code clientDir}. Every argument but {@code cluster}'s may be {@code null}, as
     * may all of them when the class's start failed half-way.
     */
    static void stop(String suite, AutoCloseable client, RedisClusterProcesses cluster, Path clientDir) {
        try {
            if (suite != null && cluster != null) {
                Map<String, Long> errors = errorReplies(cluster);
                System.out.println(suite + ": error replies by code " + errors);
                assertThat(errors).doesNotContainKey("CROSSSLOT");
            }
        } finally {
            try {
                if (client != null) {
                    client.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException("Cannot close the cluster client", e);
            } finally {
                if (cluster != null) {
                    cluster.close();
                }
                if (clientDir != null) {
                    RedisServerProcess.deleteDirectory(clientDir);
                }
            }
        }
    }

    /** Redis's own slot of a key ({@code CLUSTER KEYSLOT}). */
    static int keySlot(RedisClusterProcesses cluster, String key) {
        return ((Long) cluster.masters().get(0).call("CLUSTER", "KEYSLOT", key)).intValue();
    }
}
