package dev.tollgate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one run's raw results (JMH CSV, {@link StatsFile} lines, wrk output, machine facts) in {@code args[0]} into
 * {@code summary.md} there: the tables of docs/benchmarks.md, and each target checked against the numbers.
 */
public final class Report {

    static final List<String> REDIS = List.of("tollgate-fixed", "tollgate-sliding", "tollgate-bucket",
            "tollgate-gcra", "tollgate-concurrency", "tollgate-fixed-leased", "tollgate-bucket-leased", "bucket4j",
            "bucket4j-batching", "rratelimiter", "incr");
    static final List<String> LOCAL = List.of("tollgate-fixed", "tollgate-sliding", "tollgate-bucket",
            "tollgate-gcra", "tollgate-concurrency", "bucket4j", "resilience4j", "bucket4j-cache", "resilience4j-cache",
            "bucket4j-map", "resilience4j-map");
    /** A concurrency operation is an acquire and a release (on Redis two round trips): see {@link ConcurrentCalls}. */
    static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("tollgate-fixed", "Tollgate FIXED_WINDOW"), Map.entry("tollgate-sliding", "Tollgate SLIDING_WINDOW"),
            Map.entry("tollgate-bucket", "Tollgate TOKEN_BUCKET"), Map.entry("tollgate-gcra", "Tollgate GCRA"),
            Map.entry("tollgate-concurrency", "Tollgate CONCURRENCY (acquire + release)"),
            Map.entry("tollgate-fixed-leased", "Tollgate FIXED_WINDOW, permit leasing"),
            Map.entry("tollgate-bucket-leased", "Tollgate TOKEN_BUCKET, permit leasing"),
            Map.entry("bucket4j", "Bucket4j"), Map.entry("bucket4j-batching", "Bucket4j with `Optimizations.batching()`"),
            Map.entry("rratelimiter", "Redisson RRateLimiter"), Map.entry("incr", "bare `RAtomicLong.incrementAndGet()`"),
            Map.entry("resilience4j", "resilience4j RateLimiter"),
            Map.entry("bucket4j-cache", "Bucket4j, a bucket per key in a Caffeine cache"),
            Map.entry("resilience4j-cache", "resilience4j, a RateLimiter per key in a Caffeine cache"),
            Map.entry("bucket4j-map", "Bucket4j, a bucket per key in a ConcurrentHashMap"),
            Map.entry("resilience4j-map", "resilience4j, a RateLimiter per key in a ConcurrentHashMap"));
    static final String[] TOLLGATE = {"tollgate-fixed", "tollgate-sliding", "tollgate-bucket"};

    private final Path dir;
    /** (kind, contender, keys, threads) to ops/s: the median of {@link #rounds} */
    private final Map<String, Double> scores = new HashMap<>();
    /** (kind, contender, keys, threads) to ops/s of each round, in the order they ran */
    private final Map<String, List<Double>> rounds = new LinkedHashMap<>();
    private final Map<String, String[]> stats = new HashMap<>();
    private final Map<String, String[]> footprints = new LinkedHashMap<>();
    private final StringBuilder out = new StringBuilder();
    private final List<String> checks = new ArrayList<>();

    private Report(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws IOException {
        Report report = new Report(Path.of(args[0]));
        report.read();
        report.write();
        Files.writeString(report.dir.resolve("summary.md"), report.out);
        System.out.print(report.out);
    }

    private void read() throws IOException {
        for (String kind : List.of("redis", "local")) {
            for (String threads : List.of("1", "32")) {
                readJmh(kind, dir.resolve(kind + "-t" + threads + ".csv"));
                // Further in-memory rounds (benchmarks/run, LOCAL_ROUNDS): local-r2-t1.csv, ...
                int round = 2;
                while (kind.equals("local")
                        && readJmh(kind, dir.resolve(kind + "-r" + round + "-t" + threads + ".csv"))) {
                    round++;
                }
            }
        }
        rounds.forEach((key, values) -> scores.put(key, median(values)));
        Path tsv = dir.resolve("stats.tsv");
        if (Files.exists(tsv)) {
            for (String line : Files.readAllLines(tsv)) {
                String[] f = line.split("\t", -1);
                if (f[0].equals("redis")) {
                    stats.put(f[1] + "/" + f[2] + "/" + f[3], f);
                } else if (f[0].equals("footprint")) {
                    footprints.put(f[1], f);
                }
            }
        }
    }

    /** Adds the scores of one JMH CSV file to {@link #rounds}; whether the file exists. */
    private boolean readJmh(String kind, Path csv) throws IOException {
        if (!Files.exists(csv)) {
            return false;
        }
        for (String line : Files.readAllLines(csv)) {
            if (line.startsWith("\"Benchmark\"")) {
                continue;
            }
            String[] f = line.split(",");
            // "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit",contender,keys
            rounds.computeIfAbsent(kind + "/" + f[7] + "/" + f[8] + "/" + f[2], k -> new ArrayList<>())
                    .add(Double.parseDouble(f[4]));
        }
        return true;
    }

    static double median(List<Double> values) {
        return median(values, v -> v);
    }

    /** {@code "hot key"} or {@code "10,000 keys"}: the partitions of a case, as the tables name them. */
    private static String partitions(int keys) {
        return keys == 1 ? "hot key" : String.format(Locale.ROOT, "%,d keys", keys);
    }

    private Double score(String kind, String contender, int keys, int threads) {
        return scores.get(kind + "/" + contender + "/" + keys + "/" + threads);
    }

    private void write() throws IOException {
        Path machine = dir.resolve("machine.txt");
        if (Files.exists(machine)) {
            out.append("## Machine\n\n```\n").append(Files.readString(machine).strip()).append("\n```\n\n");
        }
        if (!scores.isEmpty() || !stats.isEmpty() || !footprints.isEmpty()) {
            jmh();
        }
        inTurn();
        leasing();
        idempotent();
        http();
        outage();
        targets();
        out.append("\n## Targets\n\n");
        for (String check : checks) {
            out.append("- ").append(check).append('\n');
        }
    }

    /** Whether the run measured any decisions of {@code kind} ({@code redis} or {@code local}). */
    private boolean measured(String kind) {
        return scores.keySet().stream().anyMatch(key -> key.startsWith(kind + "/"));
    }

    /** The JMH and footprint tables; each only if the run measured what it shows (e.g. not after --memory-only). */
    private void jmh() throws IOException {
        if (measured("redis")) {
            redisDecisions();
        }
        if (!stats.isEmpty()) {
            redisWork();
        }
        if (!footprints.isEmpty()) {
            redisMemory();
        }
        if (measured("local")) {
            localDecisions();
        }
    }

    private void redisDecisions() {
        out.append("## Decisions per second on one Redis\n\n")
                .append("| contender | hot key, 1 thread | hot key, 32 threads | 10,000 keys, 1 thread | 10,000 keys, 32 threads |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (String c : REDIS) {
            out.append("| ").append(NAMES.get(c));
            for (int keys : new int[] {1, 10000}) {
                for (int threads : new int[] {1, 32}) {
                    out.append(" | ").append(ops(score("redis", c, keys, threads)));
                }
            }
            out.append(" |\n");
        }
        out.append('\n');
    }

    private void redisWork() {
        out.append("## What Redis does per decision\n\n")
                .append("Measured over the measurement iterations only. CPU is the server's `used_cpu_user + used_cpu_sys`; ")
                .append("the ratio is to the bare INCR in the same case. Commands include those a script runs.\n\n")
                .append("| contender | case | commands / decision | Redis CPU µs / decision | × INCR | commands |\n")
                .append("|---|---|---:|---:|---:|---|\n");
        for (int keys : new int[] {1, 10000}) {
            for (int threads : new int[] {1, 32}) {
                String[] incr = stats.get("incr/" + keys + "/" + threads);
                for (String c : REDIS) {
                    String[] s = stats.get(c + "/" + keys + "/" + threads);
                    if (s == null) {
                        continue;
                    }
                    out.append("| ").append(NAMES.get(c)).append(" | ").append(partitions(keys))
                            .append(", ").append(threads).append(threads == 1 ? " thread" : " threads").append(" | ")
                            .append(fmt("%.1f", commandsPerDecision(s))).append(" | ")
                            .append(fmt("%.1f", cpuPerDecision(s))).append(" | ")
                            .append(incr == null ? "" : fmt("%.2f", cpuPerDecision(s) / cpuPerDecision(incr)))
                            .append(" | ").append(perDecision(s)).append(" |\n");
                }
            }
        }
        out.append('\n');
    }

    private void redisMemory() {
        out.append("## Redis memory\n\n")
                .append("Per partition: 1,000 partitions, each decided 3 times under a limit of 1,000 an hour, then ")
                .append("`MEMORY USAGE <key> SAMPLES 0` of every key summed and divided by 1,000. Hot key: all keys at the end ")
                .append("of the 32-thread hot-key run (a sliding log holds the last second's permits).\n\n")
                .append("| contender | bytes / partition | keys / partition | keys without TTL | hot key at the end of the 32-thread run |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (String c : REDIS) {
            String[] f = footprints.get(c);
            String[] hot = stats.get(c + "/1/32");
            if (f == null) {
                continue;
            }
            double partitions = Double.parseDouble(f[2]);
            out.append("| ").append(NAMES.get(c)).append(" | ")
                    .append(fmt("%.1f", Long.parseLong(f[4]) / partitions)).append(" | ")
                    .append(fmt("%.0f", Long.parseLong(f[3]) / partitions)).append(" | ")
                    .append(f[5]).append(" | ")
                    .append(hot == null ? "" : bytes(Long.parseLong(hot[8])) + " in " + hot[7] + " key(s)"
                            + (Long.parseLong(hot[9]) > 0 ? ", " + hot[9] + " without TTL" : ""))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private void localDecisions() {
        out.append("## In memory (no Redis)\n\n")
                .append("| contender | hot key, 1 thread | hot key, 32 threads | 10,000 keys, 1 thread | 10,000 keys, 32 threads |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (String c : LOCAL) {
            out.append("| ").append(NAMES.get(c).replace("Tollgate", "Tollgate in-memory"));
            for (int keys : new int[] {1, 10000}) {
                for (int threads : new int[] {1, 32}) {
                    out.append(" | ").append(ops(score("local", c, keys, threads)));
                }
            }
            out.append(" |\n");
        }
        List<String> inRounds = LOCAL.stream().filter(c -> rounds.entrySet().stream()
                .anyMatch(e -> e.getKey().startsWith("local/" + c + "/") && e.getValue().size() > 1)).toList();
        if (!inRounds.isEmpty()) {
            out.append("\nThe contenders measured in several rounds (taking turns) show the median; each round, in the order they ran:\n\n")
                    .append("| contender | hot key, 1 thread | hot key, 32 threads | 10,000 keys, 1 thread | 10,000 keys, 32 threads |\n")
                    .append("|---|---:|---:|---:|---:|\n");
            for (String c : inRounds) {
                out.append("| ").append(NAMES.get(c).replace("Tollgate", "Tollgate in-memory"));
                for (int keys : new int[] {1, 10000}) {
                    for (int threads : new int[] {1, 32}) {
                        List<Double> each = rounds.getOrDefault("local/" + c + "/" + keys + "/" + threads, List.of());
                        out.append(" | ").append(String.join(" / ", each.stream().map(Report::ops).toList()));
                    }
                }
                out.append(" |\n");
            }
        }
    }

    /**
     * {@link IdempotentCalls}: calls per second of a first call and a replay per store, and the bare INCR of the same
     * run; with issue 17's targets at 32 threads (first call ≥ 0.45 ×, replay ≥ 0.9 × the INCR, on Redis as deployed).
     */
    private void idempotent() throws IOException {
        Map<String, Double> calls = new HashMap<>(); // benchmark/store/threads to calls per second
        for (String threads : List.of("1", "32")) {
            Path csv = dir.resolve("idempotent-t" + threads + ".csv");
            if (!Files.exists(csv)) {
                continue;
            }
            for (String line : Files.readAllLines(csv)) {
                if (line.startsWith("\"Benchmark\"")) {
                    continue;
                }
                // "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: store"
                String[] f = line.split(",", -1);
                String benchmark = f[0].replaceAll(".*\\.", "").replace("\"", "");
                calls.put(benchmark + "/" + (f.length > 7 ? f[7] : "") + "/" + threads, Double.parseDouble(f[4]));
            }
        }
        if (calls.isEmpty()) {
            return;
        }
        out.append("\n## `@Idempotent`: calls per second (and × the bare INCR of the same run)\n\n")
                .append("| store | first call, 1 thread | first call, 32 threads | replay, 1 thread | replay, 32 threads |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (String store : List.of("redis", "redis-unbatched", "memory")) {
            out.append("| ").append(store);
            for (String benchmark : List.of("firstCall", "replay")) {
                for (String threads : List.of("1", "32")) {
                    Double own = calls.get(benchmark + "/" + store + "/" + threads);
                    Double incr = calls.get("incr//" + threads);
                    out.append(" | ").append(ops(own)).append(own == null || incr == null || store.equals("memory")
                            ? "" : fmt(" (%.2f×)", own / incr));
                }
            }
            out.append(" |\n");
        }
        out.append("| bare INCR | ").append(ops(calls.get("incr//1"))).append(" | ").append(ops(calls.get("incr//32")))
                .append(" | | |\n");
        Double incr = calls.get("incr//32");
        Double first = calls.get("firstCall/redis/32");
        Double replay = calls.get("replay/redis/32");
        if (incr != null && first != null) {
            check(first >= 0.45 * incr, "@Idempotent on Redis, first call, 32 threads ≥ 0.45 × INCR: "
                    + fmt("%.2f", first / incr) + "×");
        }
        if (incr != null && replay != null) {
            check(replay >= 0.9 * incr, "@Idempotent on Redis, replay, 32 threads ≥ 0.9 × INCR: "
                    + fmt("%.2f", replay / incr) + "×");
        }
    }

    /**
     * {@link LocalDecisionsInTurn}'s summaries ({@code in-turn-<keys>-<threads>.txt}, one per case {@code
     * benchmarks/run} measured), with issue 17's in-memory target checked on them: the fixed window's median ratio,
     * within a cycle, to the bare Bucket4j and the bare resilience4j at least 1.
     */
    private void inTurn() throws IOException {
        Pattern name = Pattern.compile("in-turn-(\\d+)-(\\d+)\\.txt");
        List<Path> files;
        try (var listing = Files.list(dir)) {
            files = listing.filter(f -> name.matcher(f.getFileName().toString()).matches()).sorted().toList();
        }
        if (files.isEmpty()) {
            return;
        }
        out.append("\n## In memory, taking turns in one JVM (`LocalDecisionsInTurn`)\n\n")
                .append("Each cycle gives every contender half a second, so that a slow spell of the shared ")
                .append("machine slows all of them alike; the ratios are medians of the ratios within a cycle.\n");
        Pattern ratio = Pattern.compile("ratio (\\S+) / (\\S+): median ([0-9.]+)");
        for (Path file : files) {
            Matcher c = name.matcher(file.getFileName().toString());
            c.matches();
            String text = Files.readString(file);
            int keys = Integer.parseInt(c.group(1));
            String where = partitions(keys) + ", " + c.group(2) + " thread(s)";
            int summary = text.indexOf("\n| contender");
            out.append("\n### ").append(where).append("\n\n")
                    .append(summary < 0 ? "(no summary: the run failed)\n"
                            : text.substring(summary + 1).strip().replace("\nratio ", "\n- ratio ") + "\n");
            Matcher m = ratio.matcher(text);
            while (m.find()) {
                double median = Double.parseDouble(m.group(3));
                check(median >= 1, NAMES.getOrDefault(m.group(1), m.group(1)) + " in memory taking turns, " + where
                        + " ≥ " + NAMES.getOrDefault(m.group(2), m.group(2)) + ": " + fmt("%.2f", median) + "×");
            }
        }
    }

    /** {@link LeasingExactness}'s last lines ({@code leasing-exactness.txt}), with issue 17's two bounds checked. */
    private void leasing() throws IOException {
        Path file = dir.resolve("leasing-exactness.txt");
        if (!Files.exists(file)) {
            return;
        }
        String text = Files.readString(file);
        Matcher over = Pattern.compile("windows over the limit: (\\d+)").matcher(text);
        Matcher under = Pattern.compile("under-admission: ([0-9.]+) %").matcher(text);
        out.append("\n## Permit leasing: exactness (two instances, one hot key, limit reached every window)\n\n```\n")
                .append(text.strip()).append("\n```\n");
        check(over.find() && over.group(1).equals("0"), "permit leasing: 0 windows over the limit: "
                + (over.hitEnd() ? "no result" : over.group(1)));
        check(under.find() && Double.parseDouble(under.group(1)) <= 1.0, "permit leasing: under-admission ≤ 1 %: "
                + (under.hitEnd() ? "no result" : under.group(1) + " %"));
    }

    static final List<String> OUTAGES = List.of("freeze-local", "freeze-reject", "kill-local", "kill-reject");

    /**
     * The Redis outage runs ({@code outage-<scenario>.txt}, written by {@link OutageRun}): throughput, 5xx and p99
     * before, during and after the outage, how fast refusals came while the breaker was open, and when decisions
     * were back on Redis; with the targets checked.
     */
    private void outage() throws IOException {
        Map<String, Map<String, String>> runs = new LinkedHashMap<>();
        for (String scenario : OUTAGES) {
            Path file = dir.resolve("outage-" + scenario + ".txt");
            if (Files.exists(file)) {
                Map<String, String> f = new LinkedHashMap<>();
                for (String line : Files.readAllLines(file)) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        f.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
                runs.put(scenario, f);
            }
        }
        if (runs.isEmpty()) {
            return;
        }
        Map<String, String> any = runs.values().iterator().next();
        out.append("\n## Redis outage: the example's `GET /api/search` on Payara Micro, Redis frozen or killed\n\n")
                .append(any.get("client_threads")).append(" client threads in a closed loop; before ")
                .append(any.get("before_s")).append(" s, the outage about ").append(any.get("during_s"))
                .append(" s (from the signal until Redis is back: thawed, or a new server accepting connections), after ")
                .append(any.get("after_s")).append(" s (from Redis's return). Back on Redis: from Redis's return until ")
                .append("the readiness check's `breaker` read CLOSED for good (polled every 100 ms); in brackets, ")
                .append("from the breaker's CLOSED transition in Payara's log, and when script calls per request came ")
                .append("back to half their rate before the outage. Breaker OPEN after: from the outage's start to the ")
                .append("breaker's OPEN transition in Payara's log.\n\n")
                .append("| outage | failure mode | requests/s before | during | after | during ÷ before | 2xx/s during ÷ before |"
                        + " 5xx before / during / after | 429 | p99 before / during / after | breaker OPEN after |"
                        + " back on Redis |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        runs.forEach((scenario, f) -> out.append("| ").append(f.get("outage")).append(" | ")
                .append(f.get("failure_mode")).append(" | ")
                .append(f.get("before_rps")).append(" | ").append(f.get("during_rps")).append(" | ")
                .append(f.get("after_rps")).append(" | ").append(f.get("during_over_before")).append(" | ")
                .append(f.get("during_2xx_over_before")).append(" | ")
                .append(f.get("before_5xx")).append(" / ").append(f.get("during_5xx")).append(" / ")
                .append(f.get("after_5xx")).append(" | ")
                .append(Long.parseLong(f.get("before_429")) + Long.parseLong(f.get("during_429"))
                        + Long.parseLong(f.get("after_429"))).append(" | ")
                .append(f.get("before_p99_ms")).append(" / ").append(f.get("during_p99_ms")).append(" / ")
                .append(f.get("after_p99_ms")).append(" ms | ")
                .append(f.get("breaker_open_after_outage_began_s")).append(" s | ")
                .append(f.get("back_on_redis_s")).append(" s (log: ").append(f.get("breaker_closed_logged_after_return_s"))
                .append(" s; script calls: ").append(f.get("script_calls_back_s")).append(" s) |\n"));
        out.append("\n5xx answers from the outage's start to the end of the run: how long they took; \"while OPEN\":")
                .append(" those whose request started while the breaker was OPEN, by the transitions Payara logged.\n\n")
                .append("| outage | failure mode | 5xx | of which took ≥ 0.9 s | while OPEN | their p50 / p99 / max |"
                        + " of which took ≥ 0.9 s | connections the client opened before / during / after |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        runs.forEach((scenario, f) -> out.append("| ").append(f.get("outage")).append(" | ")
                .append(f.get("failure_mode")).append(" | ").append(f.get("outage_5xx")).append(" | ")
                .append(f.get("outage_5xx_waited_900ms_or_more")).append(" | ").append(f.get("open_5xx")).append(" | ")
                .append(f.get("open_5xx_p50_ms")).append(" / ").append(f.get("open_5xx_p99_ms")).append(" / ")
                .append(f.get("open_5xx_max_ms")).append(" ms | ").append(f.get("open_5xx_waited_900ms_or_more"))
                .append(" | ").append(f.getOrDefault("before_connections_opened", "")).append(" / ")
                .append(f.getOrDefault("during_connections_opened", "")).append(" / ")
                .append(f.getOrDefault("after_connections_opened", "")).append(" |\n"));
        out.append("\nCPU, from /proc: Payara Micro's per request answered, and in cores; the client's (this benchmark's JVM,")
                .append(" load and pollers) in cores; the whole machine's share busy.\n\n")
                .append("| outage | failure mode | Payara µs / request before / during / after | Payara cores |"
                        + " client cores | machine busy |\n")
                .append("|---|---|---:|---:|---:|---:|\n");
        runs.forEach((scenario, f) -> out.append("| ").append(f.get("outage")).append(" | ")
                .append(f.get("failure_mode")).append(" | ").append(triple(f, "payara_cpu_us_per_request", ""))
                .append(" | ").append(triple(f, "payara_cores", "")).append(" | ")
                .append(triple(f, "client_cores", "")).append(" | ").append(triple(f, "machine_busy_pct", "%"))
                .append(" |\n"));
        runs.forEach((scenario, f) -> {
            if (scenario.endsWith("-local")) {
                long errors = Long.parseLong(f.get("before_5xx")) + Long.parseLong(f.get("during_5xx"))
                        + Long.parseLong(f.get("after_5xx"));
                check(errors == 0, "outage " + scenario + ": no 5xx in the default mode: " + errors);
                double ratio = Double.parseDouble(f.get("during_over_before"));
                check(ratio >= 0.8, "outage " + scenario + ": throughput during ≥ 0.8 × before: "
                        + f.get("during_over_before") + " (" + f.get("during_rps") + " against " + f.get("before_rps")
                        + " requests/s)");
            } else {
                double p99 = Double.parseDouble(f.get("open_5xx_p99_ms"));
                check(Long.parseLong(f.get("open_5xx")) > 0 && p99 < 100, "outage " + scenario
                        + ": refusals answered without waiting for Redis once the breaker is open (p99 < 100 ms, a"
                        + " tenth of the command timeout): " + f.get("open_5xx") + " refusals, p99 " + p99
                        + " ms, max " + f.get("open_5xx_max_ms") + " ms");
            }
            String back = f.get("back_on_redis_s");
            boolean parsed = back.matches("[0-9.]+");
            check(parsed && Double.parseDouble(back) <= 5, "outage " + scenario + ": back on Redis ≤ 5 s after it"
                    + " returns: " + back + (parsed ? " s" : ""));
        });
    }

    /**
     * The HTTP runs: per mode, the median of its rounds ({@code http-<mode>-r<n>.txt}); the ratio to the run without
     * a limit is the median of the rounds' own ratios (each round runs the three modes in turn).
     */
    private void http() throws IOException {
        Map<String, List<Wrk>> runs = new LinkedHashMap<>();
        for (String mode : List.of("off", "memory", "fixed", "sliding", "leased")) {
            for (int round = 1; Files.exists(dir.resolve("http-" + mode + "-r" + round + ".txt")); round++) {
                runs.computeIfAbsent(mode, m -> new ArrayList<>())
                        .add(Wrk.parse(Files.readString(dir.resolve("http-" + mode + "-r" + round + ".txt"))));
            }
        }
        if (runs.isEmpty()) {
            return;
        }
        List<Wrk> off = runs.get("off");
        out.append("\n## HTTP: the example's `GET /api/search` on Payara Micro, Redis backend\n\n")
                .append("Medians of ").append(off == null ? 0 : off.size())
                .append(" rounds; each round runs them in turn. CPU and context switches are per request.\n\n")
                .append("| `@RateLimit` | requests/s | × without | p50 | p99 | Payara CPU | of which Redisson's event loop |"
                        + " Payara context switches | Redis CPU | requests/s of each round |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        runs.forEach((mode, rounds) -> {
            String label = switch (mode) {
                case "off" -> "disabled (`tollgate.ratelimit.enabled=false`)";
                case "memory" -> "FIXED_WINDOW, in-memory backend (no Redis), limit not reached";
                case "fixed" -> "FIXED_WINDOW, limit not reached";
                case "leased" -> "FIXED_WINDOW with permit leasing (`leasing=true`), limit not reached";
                default -> "SLIDING_WINDOW (the example's), limit not reached";
            };
            List<Double> ratios = new ArrayList<>();
            if (off != null) {
                for (int i = 0; i < Math.min(off.size(), rounds.size()); i++) {
                    ratios.add(rounds.get(i).rps / off.get(i).rps);
                }
            }
            out.append("| ").append(label).append(" | ").append(fmt("%.0f", median(rounds, Wrk::rps))).append(" | ")
                    .append(ratios.isEmpty() ? "" : fmt("%.2f", median(ratios, r -> r))).append(" | ")
                    .append(fmt("%.2f ms", median(rounds, Wrk::p50))).append(" | ")
                    .append(fmt("%.2f ms", median(rounds, Wrk::p99))).append(" | ")
                    .append(fmt("%.0f µs", median(rounds, Wrk::payaraMicros))).append(" | ")
                    .append(fmt("%.0f µs", median(rounds, Wrk::nettyMicros))).append(" | ")
                    .append(fmt("%.2f", median(rounds, Wrk::switches))).append(" | ")
                    .append(mode.equals("memory") ? "" : fmt("%.1f µs", median(rounds, Wrk::redisMicros))).append(" | ")
                    .append(String.join(", ", rounds.stream().map(w -> fmt("%.0f", w.rps)).toList())).append(" |\n");
            if (!ratios.isEmpty() && !mode.equals("off") && !mode.equals("memory")) {
                double ratio = median(ratios, r -> r);
                check(ratio >= 0.85, "HTTP throughput with the limiter (" + mode + ") ≥ 0.85 × without: "
                        + fmt("%.2f", ratio) + " (median of the rounds)");
            }
        });
    }

    /** {@code before / during / after} of one figure of an outage run. */
    private static String triple(Map<String, String> f, String figure, String unit) {
        return f.get("before_" + figure) + unit + " / " + f.get("during_" + figure) + unit + " / "
                + f.get("after_" + figure) + unit;
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> of) {
        return Quantiles.median(values.stream().mapToDouble(of).toArray());
    }

    private void targets() {
        Double b4j = score("redis", "bucket4j", 1, 32);
        Double rrl = score("redis", "rratelimiter", 1, 32);
        for (String t : TOLLGATE) {
            Double s = score("redis", t, 1, 32);
            if (s == null) {
                continue;
            }
            if (b4j != null) {
                check(s >= 10 * b4j, NAMES.get(t) + ", hot key, 32 threads ≥ 10 × Bucket4j: " + fmt("%.1f", s / b4j) + "×");
            }
            if (rrl != null) {
                check(s >= 1.1 * rrl, NAMES.get(t) + ", hot key, 32 threads ≥ 1.1 × RRateLimiter: "
                        + fmt("%.2f", s / rrl) + "×");
            }
            for (int threads : new int[] {1, 32}) {
                Double floor = score("redis", "incr", 1, threads);
                Double own = score("redis", t, 1, threads);
                if (floor != null && own != null) {
                    check(own >= 0.8 * floor, NAMES.get(t) + ", hot key, " + threads + " thread(s) ≥ 0.8 × INCR: "
                            + fmt("%.2f", own / floor) + "×");
                }
                String[] st = stats.get(t + "/1/" + threads);
                String[] incr = stats.get("incr/1/" + threads);
                if (st != null && incr != null) {
                    double ratio = cpuPerDecision(st) / cpuPerDecision(incr);
                    check(ratio <= 1.5, NAMES.get(t) + ", hot key, " + threads + " thread(s): Redis CPU per decision ≤ 1.5 × INCR: "
                            + fmt("%.2f", ratio) + "×");
                }
            }
        }
        // Issue 17: in memory at least as fast as Bucket4j's local bucket and resilience4j, every case
        for (String t : new String[] {"tollgate-fixed", "tollgate-bucket", "tollgate-gcra"}) {
            for (String peer : new String[] {"bucket4j", "resilience4j", "bucket4j-cache", "resilience4j-cache",
                "bucket4j-map", "resilience4j-map"}) {
                for (int keys : new int[] {1, 10000}) {
                    for (int threads : new int[] {1, 32}) {
                        Double own = score("local", t, keys, threads);
                        Double theirs = score("local", peer, keys, threads);
                        if (own != null && theirs != null) {
                            check(own >= theirs, NAMES.get(t) + " in memory, " + partitions(keys)
                                    + ", " + threads + " thread(s) ≥ " + NAMES.get(peer) + ": "
                                    + fmt("%.2f", own / theirs) + "×");
                        }
                    }
                }
            }
        }
        // Issue 17: permit leasing on a hot key, 32 threads, ≥ 3 × the bare INCR
        Double incr32 = score("redis", "incr", 1, 32);
        for (String t : new String[] {"tollgate-fixed-leased", "tollgate-bucket-leased"}) {
            Double own = score("redis", t, 1, 32);
            if (own != null && incr32 != null) {
                check(own >= 3 * incr32, t + ", hot key, 32 threads ≥ 3 × INCR: " + fmt("%.2f", own / incr32) + "×");
            }
        }
        for (String t : new String[] {"tollgate-fixed", "tollgate-bucket"}) {
            String[] f = footprints.get(t);
            if (f != null) {
                double perPartition = Long.parseLong(f[4]) / Double.parseDouble(f[2]);
                check(perPartition <= 100, NAMES.get(t) + ": Redis memory per partition ≤ 100 bytes: "
                        + fmt("%.1f", perPartition));
            }
        }
        for (String t : TOLLGATE) {
            String[] f = footprints.get(t);
            if (f != null) {
                check(f[5].equals("0"), NAMES.get(t) + ": every key has a TTL (" + f[5] + " without)");
            }
        }
    }

    private void check(boolean met, String what) {
        checks.add((met ? "met: " : "**missed**: ") + what);
    }

    private static double commandsPerDecision(String[] s) {
        long total = 0;
        for (String pair : s[10].split(";")) {
            if (!pair.isEmpty()) {
                total += Long.parseLong(pair.substring(pair.indexOf('=') + 1));
            }
        }
        return total / Double.parseDouble(s[4]);
    }

    private static double cpuPerDecision(String[] s) {
        return Double.parseDouble(s[6]) * 1e6 / Double.parseDouble(s[4]);
    }

    private static String perDecision(String[] s) {
        double decisions = Double.parseDouble(s[4]);
        StringBuilder b = new StringBuilder();
        for (String pair : s[10].split(";")) {
            if (pair.isEmpty()) {
                continue;
            }
            double n = Long.parseLong(pair.substring(pair.indexOf('=') + 1)) / decisions;
            if (n >= 0.01) {
                b.append(b.length() == 0 ? "" : ", ").append(pair, 0, pair.indexOf('=')).append(' ')
                        .append(fmt(n == Math.rint(n) ? "%.0f" : "%.2f", n));
            }
        }
        return b.toString();
    }

    private static String ops(Double score) {
        return score == null ? "" : fmt("%,.0f", score);
    }

    private static String bytes(long n) {
        return n >= 1 << 20 ? fmt("%.1f MB", n / 1048576.0) : n >= 1024 ? fmt("%.1f KB", n / 1024.0) : n + " B";
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    /**
     * Requests per second, the 50th and 99th percentile latency (ms) of one {@code wrk --latency} run, and per request
     * while it ran: the CPU time (µs) of Payara Micro, of its Redisson event-loop threads and of Redis, and Payara's
     * context switches.
     */
    record Wrk(double rps, double p50, double p99, double payaraMicros, double redisMicros, double nettyMicros,
               double switches) {
        static Wrk parse(String text) {
            Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(text);
            Matcher requests = Pattern.compile("(\\d+) requests in").matcher(text);
            if (!rps.find() || !requests.find()) {
                throw new IllegalArgumentException("No Requests/sec in wrk output");
            }
            double n = Double.parseDouble(requests.group(1));
            Matcher cpu = Pattern.compile("cpu ms: payara ([0-9.]+) redis ([0-9.-]+) netty ([0-9.]+)").matcher(text);
            Matcher switches = Pattern.compile("context switches: ([0-9]+)").matcher(text);
            boolean hasCpu = cpu.find();
            return new Wrk(Double.parseDouble(rps.group(1)), percentile(text, "50"), percentile(text, "99"),
                    hasCpu ? Double.parseDouble(cpu.group(1)) * 1000 / n : Double.NaN,
                    hasCpu ? Double.parseDouble(cpu.group(2)) * 1000 / n : Double.NaN,
                    hasCpu ? Double.parseDouble(cpu.group(3)) * 1000 / n : Double.NaN,
                    switches.find() ? Double.parseDouble(switches.group(1)) / n : Double.NaN);
        }

        private static double percentile(String text, String p) {
            Matcher m = Pattern.compile("\\s" + p + "%\\s+([0-9.]+)(us|ms|s)").matcher(text);
            if (!m.find()) {
                return Double.NaN;
            }
            double v = Double.parseDouble(m.group(1));
            return switch (m.group(2)) {
                case "us" -> v / 1000;
                case "s" -> v * 1000;
                default -> v;
            };
        }
    }
}
