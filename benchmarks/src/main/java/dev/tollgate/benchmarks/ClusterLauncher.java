package dev.tollgate.benchmarks;

import dev.tollgate.internal.redis.ClusterSlots;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisServerProcess;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts a Redis Cluster of {@code args[3]} masters, no replicas, from the redis-server embedded-redis ships
 * ({@link RedisServerProcess}: loopback, free ports, no persistence), joined with {@code CLUSTER MEET} and given
 * {@link #firstSlot even slot ranges} with {@code CLUSTER ADDSLOTS}; writes their ports, space-separated, to
 * {@code args[0]} once every node reports {@code cluster_state:ok}; and keeps them running until {@code args[1]}
 * exists, the process is told to stop, or {@code args[2]} minutes have passed. Every server is stopped and its
 * directory deleted on the way out.
 */
public final class ClusterLauncher {

    private ClusterLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Path portFile = Path.of(args[0]);
        Path stopFile = Path.of(args[1]);
        long deadline = System.nanoTime() + Duration.ofMinutes(Long.parseLong(args[2])).toNanos();
        int masters = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        List<RedisServerProcess> servers = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> servers.forEach(RedisServerProcess::close)));
        Path executable = RedisBinary.EMBEDDED_6_2.executable();
        for (int i = 0; i < masters; i++) {
            int port = portWithFreeBus();
            servers.add(RedisServerProcess.start(executable, RedisServerProcess.newDirectory("cluster-" + i), port,
                    String.join("\n", "port " + port, "cluster-enabled yes", "cluster-config-file nodes.conf",
                            "cluster-node-timeout 5000")));
        }
        try (RedisInspector first = inspector(servers.get(0))) {
            for (RedisServerProcess other : servers.subList(1, masters)) {
                first.call("CLUSTER", "MEET", "127.0.0.1", String.valueOf(other.port()));
            }
        }
        for (int i = 0; i < masters; i++) {
            List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = firstSlot(i, masters); slot < firstSlot(i + 1, masters); slot++) {
                command.add(String.valueOf(slot));
            }
            try (RedisInspector node = inspector(servers.get(i))) {
                node.call(command.toArray(String[]::new));
            }
        }
        awaitClusterOk(servers, masters);
        Files.writeString(portFile, servers.stream().map(s -> String.valueOf(s.port()))
                .collect(Collectors.joining(" ")));
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        // the shutdown hook stops the servers and deletes their directories
        System.exit(0);
    }

    /**
     * The first slot of master {@code i} of {@code masters} (and, for {@code i = masters}, 16384): 16384 slots split
     * into even ranges in order, as {@code redis-cli --cluster create} splits them (0-5460, 5461-10921, 10922-16383).
     */
    static int firstSlot(int i, int masters) {
        return (int) ((long) i * ClusterSlots.SLOTS / masters);
    }

    /** The master that serves {@code slot}. */
    static int masterOf(int slot, int masters) {
        int master = masters - 1;
        while (firstSlot(master, masters) > slot) {
            master--;
        }
        return master;
    }

    private static RedisInspector inspector(RedisServerProcess server) {
        return new RedisInspector("127.0.0.1", server.port());
    }

    private static void awaitClusterOk(List<RedisServerProcess> servers, int masters) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (RedisServerProcess server : servers) {
            try (RedisInspector node = inspector(server)) {
                while (true) {
                    String info = (String) node.call("CLUSTER", "INFO");
                    if (info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + masters)) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("The cluster did not form within 30 s:\n" + info);
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /** A free port whose cluster bus port (the port + 10000) is free too. */
    private static int portWithFreeBus() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = RedisServerProcess.freePort();
            if (port + 10000 <= 65535) {
                try (ServerSocket bus = new ServerSocket(port + 10000)) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("No free port with a free cluster bus port");
    }
}
