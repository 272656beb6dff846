package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters on free loopback ports, optionally with one replica each, formed by this class
 * itself with {@code CLUSTER MEET}, {@code CLUSTER ADDSLOTS} and {@code CLUSTER REPLICATE} (no {@code redis-cli}).
 * Master {@code i} serves the slots from {@code i * 16384 / 3}. Every server is a {@link RedisServerProcess} with a
 * short {@code cluster-node-timeout}, so that a replica takes over from a killed master within seconds.
 * {@link #start} returns once every node reports {@code cluster_state:ok}, knows every other node and sees all 16384
 * slots served, and every replica has synchronised with its master; {@link #close()} stops every server and deletes
 * its directory, and so does a start that fails half way.
 */
public final class RedisClusterProcesses implements AutoCloseable {

    public static final int SLOTS = 16384;
    public static final int MASTERS = 3;

    /** One server of the cluster: its process and its node id. */
    public record Node(RedisServerProcess process, String id) {

        public int port() {
            return process.port();
        }

        /** {@code redis://127.0.0.1:<port>} */
        public String address() {
            return "redis://127.0.0.1:" + port();
        }

        /** A new connection to this server; the caller closes it. */
        public RedisInspector inspector() {
            return new RedisInspector("127.0.0.1", port());
        }

        /** Sends one command on a connection of its own. */
        public Object call(String... command) {
            try (RedisInspector inspector = inspector()) {
                return inspector.call(command);
            }
        }
    }

    private final List<Node> masters;
    private final List<Node> replicas;
    private final long nodeTimeoutMillis;

    private RedisClusterProcesses(List<Node> masters, List<Node> replicas, long nodeTimeoutMillis) {
        this.masters = masters;
        this.replicas = replicas;
        this.nodeTimeoutMillis = nodeTimeoutMillis;
    }

    /**
     * Starts three masters from {@code binary}, each with {@code replicasPerMaster} (0 or 1) replicas, and forms the
     * cluster.
     *
     * @param nodeTimeoutMillis {@code cluster-node-timeout}: how long a node may be unreachable before it is judged
     *                          failed and its replica is promoted
     */
    public static RedisClusterProcesses start(RedisBinary binary, int replicasPerMaster, long nodeTimeoutMillis) {
        if (replicasPerMaster < 0 || replicasPerMaster > 1) {
            throw new IllegalArgumentException("replicasPerMaster must be 0 or 1, was " + replicasPerMaster);
        }
        List<RedisServerProcess> started = new ArrayList<>();
        try {
            Path executable = binary.executable();
            int servers = MASTERS * (1 + replicasPerMaster);
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < servers; i++) {
                nodes.add(startNode(executable, i, nodeTimeoutMillis, started));
            }
            List<Node> masters = List.copyOf(nodes.subList(0, MASTERS));
            List<Node> replicas = List.copyOf(nodes.subList(MASTERS, servers));
            RedisClusterProcesses cluster = new RedisClusterProcesses(masters, replicas, nodeTimeoutMillis);
            cluster.form();
            return cluster;
        } catch (RuntimeException | Error e) {
            for (RedisServerProcess process : started) {
                try {
                    process.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Starts node {@code index} (added to {@code started}) and reads its id. A node whose first command fails (seen
     * once in CI: the connection reset right after the port accepted), or that does not start (its bus port, the port
     * plus 10,000, taken between the check and the start), is stopped, its log printed, and started again on another
     * port, at most three times in all.
     */
    private static Node startNode(Path executable, int index, long nodeTimeoutMillis,
                                  List<RedisServerProcess> started) {
        for (int attempt = 1; ; attempt++) {
            int port = RedisServerProcess.freeClusterPort();
            RedisServerProcess process;
            try {
                process = RedisServerProcess.start(executable,
                        RedisServerProcess.newDirectory("cluster-" + index), port, String.join("\n",
                                "port " + port,
                                "cluster-enabled yes",
                                "cluster-config-file nodes.conf",
                                "cluster-node-timeout " + nodeTimeoutMillis,
                                // a replica may take over however long ago it last heard from its master
                                "cluster-replica-validity-factor 0"));
            } catch (IllegalStateException e) {
                System.err.println("Cluster node " + index + " on port " + port + " did not start (attempt " + attempt
                        + "): " + e.getMessage());
                if (attempt == 3) {
                    throw e;
                }
                continue;
            }
            started.add(process);
            try (RedisInspector inspector = new RedisInspector("127.0.0.1", port)) {
                String id = (String) inspector.call("CLUSTER", "MYID");
                // distinct epochs up front, as redis-cli --cluster create gives them, rather than leaving the
                // nodes to resolve a collision of epoch 0 among themselves
                inspector.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(index + 1));
                return new Node(process, id);
            } catch (UncheckedIOException e) {
                System.err.println("Cluster node " + index + " on port " + port + " failed its first command (attempt "
                        + attempt + "): " + e + "; alive: " + process.isAlive() + "; its log:\n" + process.log());
                started.remove(process);
                process.close();
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private void form() {
        Node first = masters.get(0);
        for (Node node : all()) {
            if (node != first) {
                first.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(node.port()));
            }
        }
        for (int i = 0; i < MASTERS; i++) {
            int from = i * SLOTS / MASTERS;
            int to = (i + 1) * SLOTS / MASTERS;
            String[] command = new String[2 + to - from];
            command[0] = "CLUSTER";
            command[1] = "ADDSLOTS";
            for (int slot = from; slot < to; slot++) {
                command[2 + slot - from] = Integer.toString(slot);
            }
            masters.get(i).call(command);
        }
        // A replica can follow a master only once it knows that node.
        awaitUntil("every node knows every other", () -> all().stream().allMatch(node ->
                knownNodes(node) == all().size()));
        for (int i = 0; i < replicas.size(); i++) {
            replicas.get(i).call("CLUSTER", "REPLICATE", masters.get(i).id());
        }
        awaitStable();
    }

    /**
     * Waits until every running node reports {@code cluster_state:ok} with all slots served by masters it knows, and
     * every running replica's link to its master is up.
     */
    public void awaitStable() {
        awaitUntil("the cluster is ok on every node", () -> {
            for (Node node : all()) {
                if (!node.process().isAlive()) {
                    continue;
                }
                String info = (String) node.call("CLUSTER", "INFO");
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:" + SLOTS)
                        || !info.contains("cluster_slots_assigned:" + SLOTS)) {
                    return false;
                }
                String replication = (String) node.call("INFO", "replication");
                if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                    return false;
                }
            }
            return true;
        });
    }

    private static int knownNodes(Node node) {
        int known = 0;
        for (String line : ((String) node.call("CLUSTER", "NODES")).split("\n")) {
            if (!line.isBlank() && !line.contains("handshake") && !line.contains("noaddr")) {
                known++;
            }
        }
        return known;
    }

    /** The masters as started (a promoted replica does not appear here). */
    public List<Node> masters() {
        return masters;
    }

    /** The replicas as started, {@code replicas().get(i)} following {@code masters().get(i)}. */
    public List<Node> replicas() {
        return replicas;
    }

    /** Every server, masters first. */
    public List<Node> all() {
        List<Node> all = new ArrayList<>(masters);
        all.addAll(replicas);
        return all;
    }

    public long nodeTimeoutMillis() {
        return nodeTimeoutMillis;
    }

    /**
     * Writes {@code example}, a Redisson YAML file for a cluster, to {@code dir} with its {@code nodeAddresses}
     * replaced by this cluster's servers, and returns the copy's path.
     */
    public Path writeRedissonConfig(Path example, Path dir) {
        try {
            String nodes = all().stream().map(node -> "    - \"" + node.address() + "\"")
                    .collect(Collectors.joining("\n"));
            String yaml = Files.readString(example);
            String replaced = yaml.replaceAll("(?m)^( {4}- \"redis://[^\"]*\"\\n?)+", nodes + "\n");
            if (!replaced.contains(nodes)) {
                throw new IllegalArgumentException(example + " lists no node addresses to replace");
            }
            Path copy = dir.resolve(example.getFileName());
            Files.writeString(copy, replaced);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node that {@code asking} (a running node) says serves {@code slot}, from its {@code CLUSTER NODES}. */
    public Node ownerOf(int slot, Node asking) {
        for (String line : ((String) asking.call("CLUSTER", "NODES")).split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length < 9 || !fields[2].contains("master")) {
                continue;
            }
            for (int f = 8; f < fields.length; f++) {
                String range = fields[f];
                if (range.startsWith("[")) {
                    continue; // a slot being imported or migrated, listed besides the ranges
                }
                int dash = range.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
                if (slot >= from && slot <= to) {
                    return byId(fields[0]);
                }
            }
        }
        throw new IllegalStateException("No master serves slot " + slot + " in the view of port " + asking.port());
    }

    /** The master that served {@code slot} when the cluster was formed. */
    public Node initialOwnerOf(int slot) {
        for (int i = MASTERS - 1; i > 0; i--) {
            if (slot >= i * SLOTS / MASTERS) {
                return masters.get(i);
            }
        }
        return masters.get(0);
    }

    private Node byId(String id) {
        for (Node node : all()) {
            if (node.id().equals(id)) {
                return node;
            }
        }
        throw new IllegalStateException("Unknown node id " + id);
    }

    /**
     * Starts moving {@code slot} from {@code source} to {@code target}: the target imports it, the source migrates
     * it. From now on the source answers {@code ASK} for keys of the slot it no longer has, and multi-key commands
     * whose keys are split between the two get {@code TRYAGAIN}.
     */
    public static void beginMigration(int slot, Node source, Node target) {
        target.call("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", source.id());
        source.call("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", target.id());
    }

    /**
     * Moves up to {@code count} keys of {@code slot} from {@code source} to {@code target} with {@code MIGRATE}.
     *
     * @return how many keys were moved; 0 once the source holds none of the slot
     */
    public static int moveKeys(int slot, Node source, Node target, int count) {
        try (RedisInspector inspector = source.inspector()) {
            List<?> keys = (List<?>) inspector.call("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot),
                    Integer.toString(count));
            if (keys.isEmpty()) {
                return 0;
            }
            List<String> command = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(target.port()),
                    "", "0", "5000", "KEYS"));
            for (Object key : keys) {
                command.add((String) key);
            }
            inspector.call(command.toArray(String[]::new));
            return keys.size();
        }
    }

    /**
     * Ends a migration: the target, then the source, then every other running master records {@code target} as the
     * slot's owner (from then on the others answer {@code MOVED}).
     */
    public void endMigration(int slot, Node source, Node target) {
        target.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", target.id());
        source.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", target.id());
        for (Node node : masters) {
            if (node != source && node != target && node.process().isAlive()) {
                node.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", target.id());
            }
        }
    }

    private static void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis Cluster: timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting until " + what, e);
            }
        }
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (Node node : all()) {
            try {
                node.process().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
