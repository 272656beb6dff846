package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A master, one replica and three Sentinels, each a real {@code redis-server} process ({@link RedisServerProcess})
 * on a free loopback port, set for a fast failover: a master is down after {@value #DOWN_AFTER_MILLIS} ms without an
 * answer, and two of the three Sentinels must agree. {@link #start} returns once every Sentinel sees the master,
 * the replica and the two other Sentinels; {@link #close()} stops every process and deletes their directories.
 */
public final class RedisSentinelGroup implements AutoCloseable {

    /** The name under which the Sentinels monitor the master, as {@code server-config/redisson/sentinel.yaml} says. */
    public static final String MASTER_NAME = "tollgate";
    /** The Redisson YAML for Sentinel in {@code server-config/}, relative to a module's directory. */
    public static final Path SHIPPED_CONFIG = Path.of("..", "server-config", "redisson", "sentinel.yaml");
    static final int DOWN_AFTER_MILLIS = 1000;
    private static final int FAILOVER_TIMEOUT_MILLIS = 5000;

    /** The data nodes (master and replica) by port; a killed one stays until {@link #close()}. */
    private final Map<Integer, RedisServerProcess> nodes = new LinkedHashMap<>();
    private final List<RedisServerProcess> sentinels = new ArrayList<>();
    /** Where {@link #redissonConfig()} writes. */
    private final Path clientDir = RedisServerProcess.newDirectory("sentinel-client");

    private RedisSentinelGroup() {
    }

    /** Starts the group from {@code binary} and waits until the Sentinels agree on it. */
    public static RedisSentinelGroup start(RedisBinary binary) {
        RedisSentinelGroup group = new RedisSentinelGroup();
        try {
            Path executable = binary.executable();
            int masterPort = RedisServerProcess.freePort();
            group.nodes.put(masterPort, RedisServerProcess.start(executable,
                    RedisServerProcess.newDirectory("sentinel-master"), masterPort, "port " + masterPort));
            int replicaPort = RedisServerProcess.freePort();
            group.nodes.put(replicaPort, RedisServerProcess.start(executable,
                    RedisServerProcess.newDirectory("sentinel-replica"), replicaPort,
                    "port " + replicaPort + "\nreplicaof 127.0.0.1 " + masterPort));
            await("the replica to sync with the master", 20, () -> "up".equals(
                    infoField(replicaPort, "replication", "master_link_status")));
            for (int i = 0; i < 3; i++) {
                int port = RedisServerProcess.freePort();
                // A Sentinel rewrites its configuration file (what it learnt, the current master), so it gets its own.
                group.sentinels.add(RedisServerProcess.start(executable, RedisServerProcess.newDirectory("sentinel"),
                        port, String.join("\n",
                                "port " + port,
                                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                                "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
                                "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS,
                                "sentinel parallel-syncs " + MASTER_NAME + " 1"),
                        List.of("--sentinel")));
            }
            // Sentinels learn of replicas from the master's INFO and of each other from hello messages (every 2 s).
            await("every Sentinel to see the master, its replica and the two other Sentinels", 30,
                    group::sentinelsAgree);
            return group;
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** The Sentinels' addresses, {@code redis://127.0.0.1:<port>}, as Redisson's {@code sentinelAddresses} take them. */
    public List<String> sentinelAddresses() {
        return sentinels.stream().map(s -> "redis://127.0.0.1:" + s.port()).toList();
    }

    /** The port of the master, as the first Sentinel that answers says ({@code SENTINEL get-master-addr-by-name}). */
    public int masterPort() {
        RuntimeException last = null;
        for (RedisServerProcess sentinel : sentinels) {
            try (RedisInspector inspector = new RedisInspector("127.0.0.1", sentinel.port())) {
                List<?> address = (List<?>) inspector.call("SENTINEL", "get-master-addr-by-name", MASTER_NAME);
                return Integer.parseInt((String) address.get(1));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("No Sentinel named the master", last);
    }

    /** The port of the data node that is not {@code port}: with one master and one replica, the other one. */
    public int otherNode(int port) {
        return nodes.keySet().stream().filter(p -> p != port).findFirst().orElseThrow();
    }

    /** Kills the current master ({@code SIGKILL}: no shutdown, nothing more replicated) and returns its port. */
    public int killMaster() {
        int port = masterPort();
        nodes.get(port).kill();
        return port;
    }

    /**
     * Waits until the Sentinels have promoted a replica in place of the master on {@code oldMasterPort} and that
     * replica says it is a master, and returns its port.
     *
     * @throws IllegalStateException if that takes longer than {@code timeoutSeconds}
     */
    public int awaitPromotion(int oldMasterPort, long timeoutSeconds) {
        int[] promoted = new int[1];
        await("a replica to be promoted in place of 127.0.0.1:" + oldMasterPort, timeoutSeconds, () -> {
            int port = masterPort();
            if (port == oldMasterPort || !"master".equals(infoField(port, "replication", "role"))) {
                return false;
            }
            promoted[0] = port;
            return true;
        });
        return promoted[0];
    }

    /** A new connection to the data node on {@code port}; the caller closes it. */
    public RedisInspector inspector(int port) {
        return new RedisInspector("127.0.0.1", port);
    }

    /**
     * Writes a copy of the Redisson YAML that Tollgate ships for Sentinel ({@link #SHIPPED_CONFIG}) with its
     * {@code sentinelAddresses} replaced by this group's, and returns its path (under {@code target/}, deleted by
     * {@link #close()}). Everything else in the file is kept as it is, so the tests use what users are given.
     */
    public Path redissonConfig() {
        Path shipped = SHIPPED_CONFIG.toAbsolutePath().normalize();
        Path target = clientDir.resolve("sentinel.yaml");
        try {
            List<String> out = new ArrayList<>();
            boolean inAddresses = false;
            for (String line : Files.readAllLines(shipped)) {
                if (inAddresses && line.trim().startsWith("- ")) {
                    continue;
                }
                inAddresses = false;
                out.add(line);
                if (line.trim().equals("sentinelAddresses:")) {
                    inAddresses = true;
                    String indent = line.substring(0, line.indexOf('s')) + "  ";
                    sentinelAddresses().forEach(a -> out.add(indent + "- \"" + a + "\""));
                }
            }
            if (out.stream().noneMatch(l -> l.contains("127.0.0.1"))) {
                throw new IllegalStateException(shipped + " has no sentinelAddresses list to replace");
            }
            Files.write(target, out);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the Sentinels first (so they start no failover while the data nodes go), then the data nodes. */
    @Override
    public void close() {
        List<RedisServerProcess> all = new ArrayList<>(sentinels);
        all.addAll(nodes.values());
        RuntimeException failure = null;
        for (RedisServerProcess process : all) {
            try {
                process.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        RedisServerProcess.deleteDirectory(clientDir);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * For each Sentinel, by port, how many seconds ago a client last sent it a {@code SENTINEL} command (from
     * {@code CLIENT LIST}; -1 if no connection's last command was one): shows whether a client such as Redisson still
     * asks them for the master (for a failure message; Sentinel's {@code INFO} has no command statistics).
     */
    public Map<Integer, Long> secondsSinceSentinelQueries() {
        Map<Integer, Long> ages = new LinkedHashMap<>();
        for (RedisServerProcess sentinel : sentinels) {
            long youngest = -1;
            try (RedisInspector inspector = new RedisInspector("127.0.0.1", sentinel.port())) {
                for (String client : ((String) inspector.call("CLIENT", "LIST")).split("\n")) {
                    if (client.contains(" cmd=sentinel")) {
                        long idle = Long.parseLong(client.replaceAll(".* idle=(\\d+) .*", "$1").trim());
                        youngest = youngest < 0 ? idle : Math.min(youngest, idle);
                    }
                }
            } catch (RuntimeException e) {
                youngest = -2;
            }
            ages.put(sentinel.port(), youngest);
        }
        return ages;
    }

    /** What the Sentinels' logs say, for a failure message. */
    public String sentinelLogs() {
        StringBuilder logs = new StringBuilder();
        for (RedisServerProcess sentinel : sentinels) {
            logs.append("--- sentinel ").append(sentinel.port()).append('\n').append(sentinel.log());
        }
        return logs.toString();
    }

    private boolean sentinelsAgree() {
        for (RedisServerProcess sentinel : sentinels) {
            try (RedisInspector inspector = new RedisInspector("127.0.0.1", sentinel.port())) {
                List<?> fields = (List<?>) inspector.call("SENTINEL", "MASTER", MASTER_NAME);
                Map<String, String> master = new LinkedHashMap<>();
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    master.put((String) fields.get(i), (String) fields.get(i + 1));
                }
                if (!"master".equals(master.get("flags")) || !"1".equals(master.get("num-slaves"))
                        || !"2".equals(master.get("num-other-sentinels"))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** One field of {@code INFO <section>} of the server on {@code port}, or {@code null} if it does not answer. */
    private static String infoField(int port, String section, String field) {
        try (RedisInspector inspector = new RedisInspector("127.0.0.1", port)) {
            for (String line : ((String) inspector.call("INFO", section)).split("\r\n")) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1);
                }
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void await(String what, long timeoutSeconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Waited " + timeoutSeconds + " s for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
    }
}
