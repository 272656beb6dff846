package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.config.Config;
import redis.embedded.RedisServer;
import redis.embedded.RedisShardedCluster;
import redis.embedded.core.ExecutableProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis backend on a real three-master Redis Cluster (embedded-redis starts the servers and assigns the
 * slots): limits of one partition are decided in one slot, and limits whose keys fall in different slots are still
 * decided all or nothing when nobody races for the last permits.
 */
class RedisClusterTest {

    private static final long LONG = LimitPolicy.MAX_WINDOW_MILLIS;

    private static Path workDir;
    private static RedisShardedCluster cluster;
    private static RedisRateLimitBackend backend;

    @BeforeAll
    static void start() throws IOException {
        Path base = Path.of("target", "embedded-redis").toAbsolutePath();
        Files.createDirectories(base);
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        workDir = Files.createTempDirectory(base, "cluster-");
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        cluster = RedisShardedCluster.newRedisCluster()
                .withServerBuilder(RedisServer.newRedisServer()
                        .executableProvider(ExecutableProvider.newJarResourceProvider(workDir.toFile()))
                        .bind("127.0.0.1")
                        .setting("dir " + workDir)
                        .setting("save \"\"")
                        .setting("appendonly no"))
                .shard("one", 0).shard("two", 0).shard("three", 0)
                .serverPorts(ports)
                .initializationTimeout(Duration.ofSeconds(20))
                .build();
        cluster.start();
        Config config = new Config();
        var servers = config.useClusterServers();
        for (int port : cluster.serverPorts()) {
            servers.addNodeAddress("redis://127.0.0.1:" + port);
        }
        backend = new RedisRateLimitBackend(Redisson.create(config), true, "tollgate", Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (backend != null) {
                backend.close();
            }
            if (cluster != null) {
                cluster.stop();
            }
        } finally {
            try (Stream<Path> paths = Files.walk(workDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
