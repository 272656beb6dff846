package dev.tollgate.benchmarks;

import dev.tollgate.internal.redis.ClusterSlots;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The capacity model of docs/scaling.md, computed from what {@code benchmarks/scaling} measured (its results directory
 * is {@code args[0]}; writes {@code model.md} there): decisions per second and Redis CPU per decision of one shard,
 * the ceiling of a shard (one core), the shards a million decisions a second need, and a simulation that places
 * partitions on the masters of a cluster with the engine's own slot function, predicts each master's share and CPU
 * from the one-shard figures, and sets the prediction beside what each master of the measured 3-master cluster did.
 */
public final class ShardModel {

    /** Decisions a second to size for. */
    static final double TARGET = 1_000_000;
    /** Headroom: a shard is kept at or under this share of one core. */
    static final double HEADROOM = 0.6;
    static final List<String> ALGORITHMS = List.of("fixed", "sliding", "bucket", "gcra", "concurrency");

    private ShardModel() {
    }

    /** One {@code shard} line of stats.tsv: one server in one trial. */
    record Shard(String target, String algorithm, String batching, String keys, int server, long decisions,
                 double seconds, double cpu, Map<String, Long> calls, Map<String, Long> micros, double clientCpu,
                 String loadBefore, String loadAfter) {

        long scriptCalls() {
            return calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
        }

        long commands() {
            long n = 0;
            for (Map.Entry<String, Long> e : calls.entrySet()) {
                if (!e.getKey().equals("ping") && !e.getKey().startsWith("cluster")) {
                    n += e.getValue();
                }
            }
            return n;
        }

        double cpuMicrosPerDecision() {
            return cpu * 1e6 / decisions;
        }

        double evalshaMicrosPerCall() {
            return (double) micros.getOrDefault("evalsha", 0L) / Math.max(1, calls.getOrDefault("evalsha", 0L));
        }
    }

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args[0]);
        List<Shard> shards = read(results.resolve("stats.tsv"));
        StringBuilder out = new StringBuilder();
        oneShard(shards, out);
        saturation(results.resolve("saturation.tsv"), shards, out);
        sizing(shards, out);
        sizingWithSkew(shards, out);
        cluster(shards, out);
        simulation(shards, out);
        Files.writeString(results.resolve("model.md"), out.toString());
        System.out.print(out);
    }

    static List<Shard> read(Path file) throws IOException {
        List<Shard> shards = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t", -1);
            if (!f[0].equals("shard")) {
                continue;
            }
            shards.add(new Shard(f[1], f[2], f[3], f[4], Integer.parseInt(f[6]), Long.parseLong(f[7]),
                    Double.parseDouble(f[8]), Double.parseDouble(f[9]), map(f[10]), map(f[11]),
                    Double.parseDouble(f[12]), f[13], f[14]));
        }
        return shards;
    }

    private static Map<String, Long> map(String field) {
        Map<String, Long> map = new LinkedHashMap<>();
        if (!field.isEmpty()) {
            for (String entry : field.split(";")) {
                int eq = entry.indexOf('=');
                map.put(entry.substring(0, eq), Long.parseLong(entry.substring(eq + 1)));
            }
        }
        return map;
    }

    private static Shard find(List<Shard> shards, String target, String algorithm, String batching, String keys,
                              int server) {
        for (Shard s : shards) {
            if (s.target.equals(target) && s.algorithm.equals(algorithm) && s.batching.equals(batching)
                    && s.keys.equals(keys) && s.server == server) {
                return s;
            }
        }
        return null;
    }

    static String name(String algorithm) {
        return switch (algorithm) {
            case "fixed" -> "FIXED_WINDOW";
            case "sliding" -> "SLIDING_WINDOW";
            case "bucket" -> "TOKEN_BUCKET";
            case "gcra" -> "GCRA";
            case "concurrency" -> "CONCURRENCY";
            default -> algorithm;
        };
    }

    private static String keysName(String keys) {
        return switch (keys) {
            case "1" -> "1 hot partition";
            case "10000" -> "10,000 uniform";
            case "zipf10000" -> "10,000 Zipf(1)";
            default -> keys;
        };
    }

    private static void oneShard(List<Shard> shards, StringBuilder out) {
        out.append("## One shard (one redis-server, 32 client threads)\n\n");
        out.append("| algorithm | partitions | batching | decisions/s | Redis CPU µs/decision | Redis core used | "
                + "script calls/decision | evalsha usec_per_call | Redis commands/decision | client CPU µs/decision "
                + "| ceiling at 1 core (decisions/s) | load (1 min) before, after |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String keys : List.of("10000", "1")) {
            for (String algorithm : ALGORITHMS) {
                for (String batching : List.of("on", "off")) {
                    Shard s = find(shards, "single", algorithm, batching, keys, 0);
                    if (s == null) {
                        continue;
                    }
                    out.append(String.format(Locale.ROOT,
                            "| %s | %s | %s | %,.0f | %.1f | %.0f %% | %.3f | %.1f | %.2f | %.1f | %,.0f | %s, %s |%n",
                            name(algorithm), keysName(keys), batching, s.decisions / s.seconds,
                            s.cpuMicrosPerDecision(), 100 * s.cpu / s.seconds, (double) s.scriptCalls() / s.decisions,
                            s.evalshaMicrosPerCall(), (double) s.commands() / s.decisions,
                            s.clientCpu * 1e6 / s.decisions, 1e6 / s.cpuMicrosPerDecision(), s.loadBefore,
                            s.loadAfter));
                }
            }
        }
        out.append("\nCeiling: 1 / (Redis CPU per decision), the decisions a second one shard's single thread could "
                + "serve at 100 % of a core if its CPU per decision stayed as measured.\n\n");
    }

    private static void saturation(Path file, List<Shard> shards, StringBuilder out) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        out.append("## One shard driven towards one core (redis-benchmark, rate_limit.lua's EVALSHA, one "
                + "FIXED_WINDOW decision per call, 10,000 partitions)\n\n");
        out.append("| case | clients | pipeline | script calls/s | Redis core used | Redis CPU µs/call | "
                + "evalsha usec_per_call | calls/s ÷ core used | load before, after |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            double seconds = Double.parseDouble(f[3]);
            long calls = Long.parseLong(f[4]);
            double cpu = Double.parseDouble(f[5]);
            long usec = Long.parseLong(f[6]);
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %,.0f | %.0f %% | %.1f | %.1f | %,.0f | %s, %s |%n",
                    f[0], f[1], f[2], calls / seconds, 100 * cpu / seconds, cpu * 1e6 / calls, (double) usec / calls,
                    calls / cpu, f[7], f[8]));
        }
        Shard engine = find(shards, "single", "fixed", "off", "10000", 0);
        if (engine != null) {
            out.append(String.format(Locale.ROOT, "%nThe engine without batching, same script and partitions "
                            + "(ShardDecisions above): %.1f µs/decision at %.0f %% of a core, a ceiling of %,.0f/s.%n%n",
                    engine.cpuMicrosPerDecision(), 100 * engine.cpu / engine.seconds,
                    1e6 / engine.cpuMicrosPerDecision()));
        }
    }

    private static void sizing(List<Shard> shards, StringBuilder out) {
        out.append(String.format(Locale.ROOT, "## Shards for %,.0f decisions a second%n%n", TARGET));
        out.append("shards = ⌈ rate × Redis CPU per decision ÷ headroom ⌉, partitions spread evenly (many "
                + "partitions, none hot). Headroom: each shard at most the given share of one core.\n\n");
        out.append("| algorithm | case | Redis CPU µs/decision | shards at 50 % | shards at 60 % | shards at 70 % |\n");
        out.append("|---|---|---:|---:|---:|---:|\n");
        for (String algorithm : ALGORITHMS) {
            for (String[] c : List.of(new String[] {"off", "10000", "many partitions, no batching (what a cluster "
                    + "gets: batching is per slot)"}, new String[] {"on", "10000", "many partitions, batching on one "
                    + "server (all partitions share one batcher)"})) {
                Shard s = find(shards, "single", algorithm, c[0], c[1], 0);
                if (s == null) {
                    continue;
                }
                double micros = s.cpuMicrosPerDecision();
                out.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %d | %d | %d |%n", name(algorithm), c[2],
                        micros, shards(micros, 0.5), shards(micros, 0.6), shards(micros, 0.7)));
            }
        }
        out.append('\n');
    }

    /**
     * Partitions at or above this rate are decided at the hot-partition cost with batching: decisions of one slot
     * share a script call only when more than {@code MAX_IN_FLIGHT} (2) of them are in flight from one instance, i.e.
     * at thousands a second per partition with a round trip of a few hundred microseconds. An assumption, stated in
     * docs/scaling.md.
     */
    static final double BATCHING_RATE = 10_000;

    /**
     * The fewest masters (slots split evenly) whose busiest one stays within the headroom, for {@link #TARGET}
     * decisions a second over {@code partitions} with {@code popularity}; each partition's decisions cost
     * {@code costMany} µs of Redis CPU, or {@code costHot} µs from {@link #BATCHING_RATE} a second up (pass the same
     * value for no batching). -1 if even 4,096 masters are not enough (a partition alone is over the headroom).
     */
    static int shardsWithSkew(int[] slots, double[] popularity, double costMany, double costHot, double headroom) {
        double[] slotLoad = new double[ClusterSlots.SLOTS]; // cores
        for (int i = 0; i < slots.length; i++) {
            double rate = TARGET * popularity[i];
            slotLoad[slots[i]] += rate * (rate >= BATCHING_RATE ? costHot : costMany) / 1e6;
        }
        for (double load : slotLoad) {
            if (load > headroom) {
                return -1;
            }
        }
        for (int masters = 1; masters <= 4096; masters++) {
            double[] load = new double[masters];
            boolean fits = true;
            for (int slot = 0; slot < slotLoad.length && fits; slot++) {
                int m = ClusterLauncher.masterOf(slot, masters);
                load[m] += slotLoad[slot];
                fits = load[m] <= headroom;
            }
            if (fits) {
                return masters;
            }
        }
        return -1;
    }

    /**
     * The fewest masters if slots may be assigned to masters freely (Redis Cluster allows any split; resharding moves
     * slots): first-fit decreasing of the slots' loads into masters of {@code headroom}. -1 if one slot is over it.
     */
    static int shardsPacked(int[] slots, double[] popularity, double costMany, double costHot, double headroom) {
        double[] slotLoad = new double[ClusterSlots.SLOTS];
        for (int i = 0; i < slots.length; i++) {
            double rate = TARGET * popularity[i];
            slotLoad[slots[i]] += rate * (rate >= BATCHING_RATE ? costHot : costMany) / 1e6;
        }
        double[] sorted = slotLoad.clone();
        java.util.Arrays.sort(sorted);
        List<double[]> masters = new ArrayList<>();
        for (int i = sorted.length - 1; i >= 0; i--) {
            double load = sorted[i];
            if (load > headroom) {
                return -1;
            }
            boolean placed = false;
            for (double[] master : masters) {
                if (master[0] + load <= headroom) {
                    master[0] += load;
                    placed = true;
                    break;
                }
            }
            if (!placed) {
                masters.add(new double[] {load});
            }
        }
        return masters.size();
    }

    private static void sizingWithSkew(List<Shard> shards, StringBuilder out) {
        int n = 1_000_000;
        String[] names = Keys.partitions(0, n);
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) {
            slots[i] = ClusterSlots.ofPartition(names[i]);
        }
        double[] uniform = popularity(n, false);
        double[] zipf = popularity(n, true);
        out.append(String.format(Locale.ROOT, "### With the slot placement and skew (simulation, %,d partitions, "
                + "shards at most %.0f %% of a core)%n%n", n, 100 * HEADROOM));
        out.append(String.format(Locale.ROOT, "Each partition placed by the engine's slot function, slots split "
                + "evenly; the busiest master must stay within the headroom. Zipf(1): the hottest partition has "
                + "%.1f %% of the decisions (%,.0f/s). \"with batching\": partitions at %,.0f/s or more cost what one "
                + "hot partition costs with batching; the others what many partitions cost without (on a cluster "
                + "batching is per slot). −: a single partition (one slot, one shard) is over the headroom.%n%n",
                100 * zipf[0], TARGET * zipf[0], BATCHING_RATE));
        out.append("Each cell: masters with slots split evenly / masters with slots assigned freely (first-fit "
                + "decreasing: a hot slot can get a master of its own).\n\n");
        out.append("| algorithm | uniform, no batching | uniform, with batching | Zipf(1), no batching | "
                + "Zipf(1), with batching |\n|---|---:|---:|---:|---:|\n");
        for (String algorithm : ALGORITHMS) {
            Shard many = find(shards, "single", algorithm, "off", "10000", 0);
            Shard hotBatched = find(shards, "single", algorithm, "on", "1", 0);
            Shard hotAlone = find(shards, "single", algorithm, "off", "1", 0);
            if (many == null || hotBatched == null || hotAlone == null) {
                continue;
            }
            double m = many.cpuMicrosPerDecision();
            out.append("| ").append(name(algorithm));
            for (double[] p : List.of(uniform, zipf)) {
                double hotWithout = Math.max(m, hotAlone.cpuMicrosPerDecision());
                double hotWith = hotBatched.cpuMicrosPerDecision();
                out.append(" | ").append(count(shardsWithSkew(slots, p, m, hotWithout, HEADROOM))).append(" / ")
                        .append(count(shardsPacked(slots, p, m, hotWithout, HEADROOM)));
                out.append(" | ").append(count(shardsWithSkew(slots, p, m, hotWith, HEADROOM))).append(" / ")
                        .append(count(shardsPacked(slots, p, m, hotWith, HEADROOM)));
            }
            out.append(" |\n");
        }
        out.append('\n');
    }

    private static String count(int shards) {
        return shards < 0 ? "−" : String.valueOf(shards);
    }

    static int shards(double microsPerDecision, double headroom) {
        return (int) Math.ceil(TARGET * microsPerDecision / 1e6 / headroom);
    }

    private static void cluster(List<Shard> shards, StringBuilder out) {
        out.append("## A 3-master Redis Cluster (3 redis-servers on the same 2 cores, 32 client threads)\n\n");
        out.append("| algorithm | partitions | batching | decisions/s (all) | master | decisions routed | share | "
                + "script calls/decision | Redis CPU µs/decision | one shard's µs/decision | load before, after |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Shard s : shards) {
            if (!s.target.startsWith("cluster")) {
                continue;
            }
            long total = 0;
            for (Shard t : shards) {
                if (t.target.equals(s.target) && t.algorithm.equals(s.algorithm) && t.batching.equals(s.batching)
                        && t.keys.equals(s.keys)) {
                    total += t.decisions;
                }
            }
            Shard single = find(shards, "single", s.algorithm, s.batching, s.keys.equals("1") ? "1" : "10000", 0);
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %,.0f | %d | %,d | %.1f %% | %s | %s | %s | %s, %s |%n",
                    name(s.algorithm), keysName(s.keys), s.batching, total / s.seconds, s.server, s.decisions,
                    100.0 * s.decisions / total,
                    s.decisions == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (double) s.scriptCalls() / s.decisions),
                    s.decisions == 0 ? String.format(Locale.ROOT, "(%.3f s CPU, idle)", s.cpu)
                            : String.format(Locale.ROOT, "%.1f", s.cpuMicrosPerDecision()),
                    single == null ? "-" : String.format(Locale.ROOT, "%.1f", single.cpuMicrosPerDecision()),
                    s.loadBefore, s.loadAfter));
        }
        out.append('\n');
    }

    /** Popularity of the 10,000 partitions the benchmark uses, uniform or Zipf(1). */
    static double[] popularity(int n, boolean zipf) {
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = zipf ? 1.0 / (i + 1) : 1.0;
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Each master's predicted share of the decisions: partitions placed by their slot, slots split evenly. */
    static double[] predictedShares(String[] partitions, double[] popularity, int masters) {
        double[] share = new double[masters];
        for (int i = 0; i < partitions.length; i++) {
            share[ClusterLauncher.masterOf(ClusterSlots.ofPartition(partitions[i]), masters)] += popularity[i];
        }
        return share;
    }

    private static void simulation(List<Shard> shards, StringBuilder out) {
        out.append("## Simulation against the measured cluster\n\n");
        out.append("The 10,000 benchmark partitions placed on 3 masters by the engine's slot function (CRC16 of the "
                + "hash tag mod 16384, slots split evenly); predicted share of each master; predicted Redis CPU = "
                + "share × the cluster run's decisions × one shard's µs/decision: over many partitions the one "
                + "without batching (batching is per slot, and decisions of one slot rarely meet), for one hot "
                + "partition the one of the same switch; measured: the master's script calls (server side, INFO "
                + "commandstats) and its INFO cpu.\n\n");
        out.append("| algorithm | partitions | batching | master | predicted share | measured share of script calls | "
                + "predicted Redis CPU s | measured Redis CPU s | measured ÷ predicted |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        String[] partitions = Keys.partitions(0, 10_000);
        for (String algorithm : ALGORITHMS) {
            for (String keys : List.of("10000", "zipf10000", "1")) {
                for (String batching : List.of("on", "off")) {
                    List<Shard> masters = new ArrayList<>();
                    for (int m = 0; ; m++) {
                        Shard s = find(shards, "cluster3", algorithm, batching, keys, m);
                        if (s == null) {
                            break;
                        }
                        masters.add(s);
                    }
                    // Batching is per slot: over many partitions decisions of one slot rarely meet in flight, so
                    // the model prices them at one shard's unbatched cost whatever the switch; one hot partition at
                    // the measured cost of the same switch.
                    Shard single = find(shards, "single", algorithm, keys.equals("1") ? batching : "off",
                            keys.equals("1") ? "1" : "10000", 0);
                    if (masters.isEmpty() || single == null) {
                        continue;
                    }
                    double[] share = keys.equals("1")
                            ? predictedShares(new String[] {partitions[0]}, new double[] {1}, masters.size())
                            : predictedShares(partitions, popularity(10_000, keys.startsWith("zipf")), masters.size());
                    long decisions = 0;
                    long calls = 0;
                    for (Shard s : masters) {
                        decisions += s.decisions;
                        calls += s.scriptCalls();
                    }
                    for (Shard s : masters) {
                        double predictedCpu = share[s.server] * decisions * single.cpuMicrosPerDecision() / 1e6;
                        out.append(String.format(Locale.ROOT,
                                "| %s | %s | %s | %d | %.1f %% | %.1f %% | %.3f | %.3f | %s |%n", name(algorithm),
                                keysName(keys), batching, s.server, 100 * share[s.server],
                                100.0 * s.scriptCalls() / calls, predictedCpu, s.cpu,
                                predictedCpu < 0.01 ? "-" : String.format(Locale.ROOT, "%.2f", s.cpu / predictedCpu)));
                    }
                }
            }
        }
        out.append("\n### Larger clusters, by the same placement\n\n");
        out.append("Largest master's share ÷ the even share (1/masters): how much more than average the busiest "
                + "shard gets, which the shard count must cover. Partitions are the benchmark's shape "
                + "(`p:` + 22 base64url characters of SHA-256).\n\n");
        out.append("| partitions | popularity | hottest partition's share | 3 masters | 6 masters | 12 masters | "
                + "24 masters |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (int n : new int[] {10_000, 100_000, 1_000_000}) {
            String[] names = Keys.partitions(0, n);
            for (boolean zipf : new boolean[] {false, true}) {
                double[] p = popularity(n, zipf);
                out.append(String.format(Locale.ROOT, "| %,d | %s | %.2f %% |", n, zipf ? "Zipf(1)" : "uniform",
                        100 * p[0]));
                for (int masters : new int[] {3, 6, 12, 24}) {
                    double[] share = predictedShares(names, p, masters);
                    double max = 0;
                    for (double x : share) {
                        max = Math.max(max, x);
                    }
                    out.append(String.format(Locale.ROOT, " %.2f |", max * masters));
                }
                out.append('\n');
            }
        }
        out.append('\n');
    }
}
