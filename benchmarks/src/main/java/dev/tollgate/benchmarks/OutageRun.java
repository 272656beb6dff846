package dev.tollgate.benchmarks;

import dev.tollgate.testing.RedisProcess;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Redis outage benchmark: the example WAR on Payara Micro, on a Redis of its own, under a closed-loop load of
 * {@code GET /api/search} (8 client threads by default), while Redis is frozen ({@code SIGSTOP}, then
 * {@code SIGCONT}) or killed ({@code SIGKILL}, then a new, empty server on the same port) for 10 s.
 *
 * <p>{@code args}: the results folder, the folder holding {@code payara-micro.jar} and {@code tollgate-example.war},
 * and the scenario: {@code freeze-local}, {@code freeze-reject}, {@code kill-local} or {@code kill-reject}
 * ({@code -reject} starts Payara Micro with {@code -Dtollgate.ratelimit.failureMode=REJECT}, {@code -local} with
 * the default). Timings (seconds) through system properties: {@code outage.warmup} (120), {@code outage.before}
 * (10), {@code outage.down} (10), {@code outage.after} (15); {@code outage.threads} (8).
 *
 * <p>The run: warm-up, "before", the outage ("during", from the signal until Redis is back: thawed, or restarted and
 * accepting connections), "after" (from Redis's return). Every request's end, status and latency is recorded; a
 * poller reads {@code /health/ready} every 100 ms (the {@code tollgate-redis} check's {@code breaker} datum), another
 * Redis's {@code INFO commandstats} (script calls) every 100 ms while Redis is up. Writes, into the results folder:
 * {@code outage-<scenario>.txt} (the figures, {@code key=value}, which {@link Report} reads),
 * {@code outage-<scenario>-timeline.tsv} (per second), {@code outage-<scenario>-health.tsv} (the polls that saw the
 * breaker change state, or took 50 ms or more),
 * {@code outage-<scenario>-metrics.txt} (Tollgate's metrics before the outage and at the end),
 * {@code outage-<scenario>-breaker.log} (the breaker's transitions as Payara logged them) and
 * {@code outage-<scenario>-slow.tsv} (every request that took 500 ms or more).
 *
 * <p>While it runs, {@code outage-redis.pid} and {@code outage-payara.pid} in the results folder name the processes it
 * started, so that benchmarks/run's cleanup can end them (a frozen Redis needs {@code SIGCONT} first) if this JVM
 * is killed; they are removed when the processes are gone.
 */
public final class OutageRun {

    private static final String KEY = "key-dave";
    private static final String SEARCH = "/api/search?q=tollgate";
    private static final Pattern BREAKER = Pattern.compile("\"breaker\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern CALLS = Pattern.compile("calls=(\\d+)");

    private final Path results;
    private final Path http;
    private final String scenario;
    private final boolean kill;
    private final boolean reject;
    private final int threads = Integer.getInteger("outage.threads", 8);
    private final long warmupNanos = seconds("outage.warmup", 120);
    private final long beforeNanos = seconds("outage.before", 10);
    private final long downNanos = seconds("outage.down", 10);
    private final long afterNanos = seconds("outage.after", 15);

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean redisUp = new AtomicBoolean(true);
    private volatile RedisProcess redis;
    private volatile Process payara;
    private int port;
    private long t0;
    private volatile Instant outageBegan;
    private volatile Instant redisBack;
    /** When Payara logged the breaker's last transition to CLOSED (epoch ms), or -1. */
    private long lastClosedMillis = -1;
    /** The breaker's transitions as Payara logged them: epoch ms and the state it went to, in order. */
    private final List<Map.Entry<Long, String>> transitions = new ArrayList<>();

    private OutageRun(Path results, Path http, String scenario) {
        this.results = results;
        this.http = http;
        this.scenario = scenario;
        if (!scenario.matches("(freeze|kill)-(local|reject)")) {
            throw new IllegalArgumentException("scenario must be freeze-local, freeze-reject, kill-local or"
                    + " kill-reject, was " + scenario);
        }
        this.kill = scenario.startsWith("kill");
        this.reject = scenario.endsWith("reject");
    }

    public static void main(String[] args) throws Exception {
        OutageRun run = new OutageRun(Path.of(args[0]), Path.of(args[1]), args[2]);
        Runtime.getRuntime().addShutdownHook(new Thread(run::shutDown));
        try {
            run.run();
        } finally {
            run.shutDown();
        }
    }

    private static long seconds(String property, long fallback) {
        return TimeUnit.MILLISECONDS.toNanos(Math.round(
                Double.parseDouble(System.getProperty(property, String.valueOf(fallback))) * 1000));
    }

    private void run() throws Exception {
        String loadAtStart = loadAverage();
        redis = RedisProcess.start();
        writePid("redis", redis.pid());
        port = freePort();
        Path root = http.resolve("root-outage-" + scenario);
        deleteRecursively(root);
        List<String> command = new ArrayList<>(List.of("java",
                "-Dtollgate.redis.address=" + redis.address(),
                // the tier's limit is never what refuses a request here
                "-Dtollgate.tier.enterprise.limit=1000000000",
                // search is a tiered SLIDING_WINDOW, bounded to 10,000 permits unless lifted
                "-Dtollgate.ratelimit.sliding-window.max-limit=1000000000"));
        if (reject) {
            command.add("-Dtollgate.ratelimit.failureMode=REJECT");
        }
        command.addAll(List.of("-jar", http.resolve("payara-micro.jar").toString(), "--nocluster",
                "--port", String.valueOf(port), "--rootdir", root.toString(),
                "--deploy", http.resolve("tollgate-example.war").toString(), "--contextroot", "/"));
        Files.writeString(results.resolve("outage-" + scenario + "-command.txt"), String.join(" ", command) + "\n");
        long startNanos = System.nanoTime();
        payara = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(results.resolve("payara-outage-" + scenario + ".log").toFile()).start();
        writePid("payara", payara.pid());
        awaitUp();
        log("Payara Micro answered after %.1f s on port %d; Redis %s (pid %d)",
                (System.nanoTime() - startNanos) / 1e9, port, redis.address(), redis.pid());

        t0 = System.nanoTime();
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            Thread worker = new Thread(() -> load(recorder), "load-" + i);
            worker.start();
            workers.add(worker);
        }
        List<long[]> polls = new ArrayList<>();
        List<String> pollStates = new ArrayList<>();
        Thread health = new Thread(() -> pollHealth(polls, pollStates), "health");
        health.setDaemon(true);
        health.start();
        List<long[]> scriptCalls = new ArrayList<>();
        Thread info = new Thread(() -> pollScripts(scriptCalls), "info");
        info.setDaemon(true);
        info.start();

        long t1 = t0 + warmupNanos;
        sleepUntil(t1);
        String metricsBefore = tollgateMetrics();
        long[] cpu1 = cpu();
        long t2 = t1 + beforeNanos;
        sleepUntil(t2);
        long[] cpu2 = cpu();
        if (kill) {
            redisUp.set(false);
            t2 = System.nanoTime();
            outageBegan = Instant.now();
            redis.kill();
            deletePid("redis");
            log("Redis killed");
            sleepUntil(t2 + downNanos);
            redis.restart();
            writePid("redis", redis.pid());
            log("Redis restarted (pid %d)", redis.pid());
        } else {
            redisUp.set(false);
            t2 = System.nanoTime();
            outageBegan = Instant.now();
            redis.freeze();
            log("Redis frozen");
            sleepUntil(t2 + downNanos);
            redis.thaw();
            log("Redis thawed");
        }
        long t3 = System.nanoTime();
        redisBack = Instant.now();
        redisUp.set(true);
        long[] cpu3 = cpu();
        long t4 = t3 + afterNanos;
        sleepUntil(t4);
        long[] cpu4 = cpu();
        stop.set(true);
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }
        health.join(TimeUnit.SECONDS.toMillis(5));
        info.join(TimeUnit.SECONDS.toMillis(5));
        String metricsAfter = tollgateMetrics();
        String loadAtEnd = loadAverage();
        stopPayara();
        Files.writeString(results.resolve("outage-" + scenario + "-metrics.txt"),
                "# before the outage\n" + metricsBefore + "# at the end\n" + metricsAfter);
        breakerLog();

        new Analysis(recorders, polls, pollStates, scriptCalls, t1, t2, t3, t4,
                new long[][] {cpu1, cpu2, cpu3, cpu4}, loadAtStart, loadAtEnd).write();
    }

    // ---------------------------------------------------------------------------------------------------- load

    /**
     * One client thread's requests: end time (ns since the load started), status (0: no answer), latency (µs), and
     * whether the request had to open a new connection (the server closed the previous one).
     */
    static final class Recorder {
        long[] ends = new long[1 << 14];
        int[] statuses = new int[1 << 14];
        int[] micros = new int[1 << 14];
        boolean[] connected = new boolean[1 << 14];
        int size;

        void add(long end, int status, long latencyNanos, boolean newConnection) {
            if (size == ends.length) {
                ends = Arrays.copyOf(ends, size * 2);
                statuses = Arrays.copyOf(statuses, size * 2);
                micros = Arrays.copyOf(micros, size * 2);
                connected = Arrays.copyOf(connected, size * 2);
            }
            ends[size] = end;
            statuses[size] = status;
            micros[size] = (int) Math.min(Integer.MAX_VALUE, latencyNanos / 1000);
            connected[size] = newConnection;
            size++;
        }
    }

    private void load(Recorder recorder) {
        KeepAlive client = new KeepAlive(port, 30_000);
        while (!stop.get()) {
            long start = System.nanoTime();
            boolean connects = !client.connected();
            int status = client.get(SEARCH, KEY, null);
            long end = System.nanoTime();
            recorder.add(end - t0, status, end - start, connects);
            if (status == 0) {
                sleep(10); // no busy loop against a server that refuses connections
            }
        }
        client.close();
    }

    /** Every 100 ms: start and end (ns since the load started), HTTP status, and the breaker's state as reported. */
    private void pollHealth(List<long[]> polls, List<String> states) {
        KeepAlive client = new KeepAlive(port, 10_000);
        StringBuilder body = new StringBuilder();
        while (!stop.get()) {
            long start = System.nanoTime();
            body.setLength(0);
            int status = client.get("/health/ready", null, body);
            long end = System.nanoTime();
            Matcher breaker = BREAKER.matcher(body);
            synchronized (polls) {
                polls.add(new long[] {start - t0, end - t0, status});
                states.add(breaker.find() ? breaker.group(1) : "?");
            }
            sleepUntil(start + TimeUnit.MILLISECONDS.toNanos(100));
        }
        client.close();
    }

    /** Every 100 ms while Redis is up: time (ns since the load started) and {@code evalsha} + {@code eval} calls. */
    private void pollScripts(List<long[]> samples) {
        while (!stop.get()) {
            long start = System.nanoTime();
            if (redisUp.get()) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", redis.port()), 300);
                    socket.setSoTimeout(300);
                    socket.getOutputStream().write("INFO commandstats\r\n".getBytes(StandardCharsets.US_ASCII));
                    String reply = readBulk(new BufferedInputStream(socket.getInputStream()));
                    long calls = 0;
                    for (String line : reply.split("\r\n")) {
                        if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                            Matcher m = CALLS.matcher(line);
                            if (m.find()) {
                                calls += Long.parseLong(m.group(1));
                            }
                        }
                    }
                    long end = System.nanoTime();
                    synchronized (samples) {
                        samples.add(new long[] {(start + end) / 2 - t0, calls});
                    }
                } catch (IOException | RuntimeException e) {
                    // Redis away or frozen: no sample
                }
            }
            sleepUntil(start + TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static String readBulk(InputStream in) throws IOException {
        int type = in.read();
        String line = readLine(in);
        if (type != '$') {
            throw new IOException("Unexpected reply " + (char) type + line);
        }
        return new String(in.readNBytes(Integer.parseInt(line) + 2), StandardCharsets.UTF_8);
    }

    /**
     * One {@link HttpConnection} kept open across requests: opened when needed, dropped when the server closes it or a
     * request fails, so the next request opens a new one.
     */
    static final class KeepAlive {
        private final int port;
        private final int timeoutMillis;
        private HttpConnection connection;

        KeepAlive(int port, int timeoutMillis) {
            this.port = port;
            this.timeoutMillis = timeoutMillis;
        }

        boolean connected() {
            return connection != null;
        }

        /** The answer's status, or 0 when there was none (refused, reset, timed out). */
        int get(String path, String apiKey, StringBuilder body) {
            try {
                if (connection == null) {
                    connection = new HttpConnection(port, timeoutMillis);
                }
                int status = connection.get(path, apiKey, body);
                if (connection.closed()) {
                    close();
                }
                return status;
            } catch (IOException | RuntimeException e) {
                close();
                return 0;
            }
        }

        void close() {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }

    /**
     * A minimal HTTP/1.1 client connection with keep-alive: one GET at a time, the body read to its end (by
     * {@code Content-Length} or chunked), and closed when the server says so. Cheaper on CPU than
     * {@code java.net.http.HttpClient}, and it makes one request's latency exactly its write and read.
     */
    static final class HttpConnection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final int port;
        private boolean closed;

        HttpConnection(int port, int timeoutMillis) throws IOException {
            this.port = port;
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            out = socket.getOutputStream();
        }

        /** Sends one GET and reads the whole answer; returns its status, and puts the body in {@code body}. */
        int get(String target, String apiKey, StringBuilder body) throws IOException {
            String request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + (apiKey == null ? "" : "X-Api-Key: " + apiKey + "\r\n") + "\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = readLine(in);
            if (!statusLine.startsWith("HTTP/1.")) {
                throw new IOException("Not an HTTP answer: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> closed |= value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            ByteArrayOutputStream content = body == null ? null : new ByteArrayOutputStream();
            if (chunked) {
                while (true) {
                    String size = readLine(in);
                    int semicolon = size.indexOf(';');
                    long n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                    if (n == 0) {
                        while (!readLine(in).isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    copy(n, content);
                    readLine(in);
                }
            } else if (length >= 0) {
                copy(length, content);
            } else {
                // no length: the body ends with the connection
                closed = true;
                byte[] rest = in.readAllBytes();
                if (content != null) {
                    content.write(rest);
                }
            }
            if (body != null) {
                body.append(content.toString(StandardCharsets.UTF_8));
            }
            return status;
        }

        private void copy(long n, ByteArrayOutputStream to) throws IOException {
            byte[] bytes = in.readNBytes((int) n);
            if (bytes.length < n) {
                throw new IOException("Connection closed in a body");
            }
            if (to != null) {
                to.write(bytes);
            }
        }

        boolean closed() {
            return closed;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("Connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    // ---------------------------------------------------------------------------------------------- analysis

    /** The figures of one run, from the recorded requests, polls and samples. */
    private final class Analysis {
        private final long[] ends;
        private final int[] statuses;
        private final int[] micros;
        private final boolean[] connected;
        private final List<long[]> polls;
        private final List<String> states;
        private final List<long[]> scripts;
        private final long t1;
        private final long t2;
        private final long t3;
        private final long t4;
        private final long[][] cpu;
        private final String loadAtStart;
        private final String loadAtEnd;
        private final Map<String, String> figures = new LinkedHashMap<>();

        Analysis(List<Recorder> recorders, List<long[]> polls, List<String> states, List<long[]> scripts,
                 long t1, long t2, long t3, long t4, long[][] cpu, String loadAtStart, String loadAtEnd) {
            int n = recorders.stream().mapToInt(r -> r.size).sum();
            Integer[] order = new Integer[n];
            long[] allEnds = new long[n];
            int[] allStatuses = new int[n];
            int[] allMicros = new int[n];
            boolean[] allConnected = new boolean[n];
            int i = 0;
            for (Recorder r : recorders) {
                System.arraycopy(r.ends, 0, allEnds, i, r.size);
                System.arraycopy(r.statuses, 0, allStatuses, i, r.size);
                System.arraycopy(r.micros, 0, allMicros, i, r.size);
                System.arraycopy(r.connected, 0, allConnected, i, r.size);
                i += r.size;
            }
            for (int k = 0; k < n; k++) {
                order[k] = k;
            }
            Arrays.sort(order, Comparator.comparingLong(k -> allEnds[k]));
            this.ends = new long[n];
            this.statuses = new int[n];
            this.micros = new int[n];
            this.connected = new boolean[n];
            for (int k = 0; k < n; k++) {
                ends[k] = allEnds[order[k]];
                statuses[k] = allStatuses[order[k]];
                micros[k] = allMicros[order[k]];
                connected[k] = allConnected[order[k]];
            }
            this.polls = polls;
            this.states = states;
            this.scripts = scripts;
            this.t1 = t1 - t0;
            this.t2 = t2 - t0;
            this.t3 = t3 - t0;
            this.t4 = t4 - t0;
            this.cpu = cpu;
            this.loadAtStart = loadAtStart;
            this.loadAtEnd = loadAtEnd;
        }

        void write() throws IOException {
            put("scenario", scenario);
            put("outage", kill ? "kill" : "freeze");
            put("failure_mode", reject ? "REJECT" : "LOCAL (default)");
            put("client_threads", threads);
            put("outage_began_at", outageBegan.toString());
            put("redis_back_at", redisBack.toString());
            put("load_at_start", loadAtStart);
            put("load_at_end", loadAtEnd);
            put("before_s", secs(t2 - t1));
            put("during_s", secs(t3 - t2));
            put("after_s", secs(t4 - t3));
            phase("before", t1, t2, 1, 2);
            phase("during", t2, t3, 2, 3);
            phase("after", t3, t4, 3, 4);
            double before = rate(t1, t2, -1);
            put("during_over_before", fmt("%.2f", rate(t2, t3, -1) / before));
            put("during_2xx_over_before", fmt("%.2f", rate(t2, t3, 200) / rate(t1, t2, 200)));
            breaker();
            refusals();
            Files.writeString(results.resolve("outage-" + scenario + ".txt"), lines());
            timeline();
            healthFile();
            slowFile();
            log("%s", lines());
        }

        private void phase(String name, long from, long to, int cpuFrom, int cpuTo) {
            int[] range = range(from, to);
            int n = range[1] - range[0];
            int ok = 0;
            int tooMany = 0;
            int server = 0;
            int none = 0;
            int other = 0;
            int connections = 0;
            int[] lat = new int[n];
            for (int k = range[0]; k < range[1]; k++) {
                if (connected[k]) {
                    connections++;
                }
                int s = statuses[k];
                if (s >= 200 && s < 300) {
                    ok++;
                } else if (s == 429) {
                    tooMany++;
                } else if (s >= 500) {
                    server++;
                } else if (s == 0) {
                    none++;
                } else {
                    other++;
                }
                lat[k - range[0]] = micros[k];
            }
            Arrays.sort(lat);
            double seconds = (to - from) / 1e9;
            put(name + "_requests", n);
            put(name + "_rps", fmt("%.0f", n / seconds));
            put(name + "_2xx_rps", fmt("%.0f", ok / seconds));
            put(name + "_2xx", ok);
            put(name + "_429", tooMany);
            put(name + "_5xx", server);
            put(name + "_no_answer", none);
            put(name + "_other", other);
            put(name + "_connections_opened", connections);
            put(name + "_p50_ms", fmt("%.2f", percentile(lat, 50) / 1000.0));
            put(name + "_p99_ms", fmt("%.2f", percentile(lat, 99) / 1000.0));
            put(name + "_max_ms", fmt("%.1f", (lat.length == 0 ? 0 : lat[lat.length - 1]) / 1000.0));
            long[] a = cpu[cpuFrom - 1];
            long[] b = cpu[cpuTo - 1];
            double wall = (b[0] - a[0]) / 1e9;
            // machine: busy and total jiffies; Payara: its jiffies
            double busy = (b[1] - a[1]) / (double) Math.max(1, b[2] - a[2]);
            double payaraCores = (b[3] - a[3]) / (double) CLOCK_TICKS / wall;
            put(name + "_machine_busy_pct", fmt("%.0f", busy * 100));
            put(name + "_payara_cores", fmt("%.2f", payaraCores));
            put(name + "_client_cores", fmt("%.2f", (b[4] - a[4]) / (double) CLOCK_TICKS / wall));
            put(name + "_payara_cpu_us_per_request", n == 0 ? "" : fmt("%.0f",
                    (b[3] - a[3]) * 1e6 / CLOCK_TICKS / n));
        }

        private double rate(long from, long to, int statusClass) {
            int[] range = range(from, to);
            int n = 0;
            for (int k = range[0]; k < range[1]; k++) {
                if (statusClass < 0 || statuses[k] / 100 == statusClass / 100) {
                    n++;
                }
            }
            return n / ((to - from) / 1e9);
        }

        /**
         * When the breaker opened after the outage began, and how long after Redis's return it read CLOSED for good
         * (the first poll started after the return from which every later poll reads CLOSED); and, as a cross-check,
         * when Redis's script calls came back to at least half their rate before the outage, for good (over windows
         * of at least 500 ms of the INFO samples).
         */
        private void breaker() {
            List<long[]> p;
            List<String> s;
            synchronized (polls) {
                p = new ArrayList<>(polls);
                s = new ArrayList<>(states);
            }
            long opened = -1;
            for (int k = 0; k < p.size(); k++) {
                if (p.get(k)[0] >= t2 && s.get(k).equals("OPEN")) {
                    opened = p.get(k)[0];
                    break;
                }
            }
            long openedLogged = -1;
            for (Map.Entry<Long, String> transition : transitions) {
                if (transition.getValue().equals("OPEN") && transition.getKey() >= outageBegan.toEpochMilli()) {
                    openedLogged = transition.getKey();
                    break;
                }
            }
            put("breaker_open_after_outage_began_s", openedLogged < 0 ? "never"
                    : fmt("%.2f", (openedLogged - outageBegan.toEpochMilli()) / 1e3));
            put("breaker_open_read_by_health_s", opened < 0 ? "never" : secs(opened - t2));
            int firstClosedForGood = -1;
            for (int k = p.size() - 1; k >= 0 && p.get(k)[0] >= t3; k--) {
                if (!s.get(k).equals("CLOSED")) {
                    break;
                }
                firstClosedForGood = k;
            }
            boolean openAfterReturn = false;
            for (int k = 0; k < p.size(); k++) {
                if (p.get(k)[0] >= t3 && !s.get(k).equals("CLOSED")) {
                    openAfterReturn = true;
                }
            }
            put("breaker_states_after_return", openAfterReturn ? "not CLOSED at first" : "CLOSED at once");
            put("breaker_closed_logged_after_return_s", lastClosedMillis < 0 || redisBack == null ? "none"
                    : fmt("%.3f", (lastClosedMillis - redisBack.toEpochMilli()) / 1e3));
            put("back_on_redis_s", firstClosedForGood < 0 ? "not within the run"
                    : secs(Math.max(0, p.get(firstClosedForGood)[0] - t3)));
            long worstPoll = 0;
            for (long[] poll : p) {
                worstPoll = Math.max(worstPoll, poll[1] - poll[0]);
            }
            put("health_polls", p.size());
            put("health_poll_max_ms", fmt("%.0f", worstPoll / 1e6));

            List<long[]> samples;
            synchronized (scripts) {
                samples = new ArrayList<>(scripts);
            }
            double beforeRate = scriptRate(samples, t1, t2);
            put("script_calls_per_s_before", fmt("%.0f", beforeRate));
            double beforeShare = beforeRate / rate(t1, t2, -1);
            put("script_calls_per_response_before", fmt("%.2f", beforeShare));
            List<long[]> after = samples.stream().filter(x -> x[0] >= t3).toList();
            long backAt = -1;
            // From the end: the earliest sample from which every window of >= 500 ms (with answers in it) had at
            // least half as many script calls per answered request as before the outage. Per request rather than
            // per second, so that a dip in throughput (a GC pause, the machine's other work) does not count.
            for (int k = after.size() - 1; k >= 0; k--) {
                int j = k + 1;
                while (j < after.size() && after.get(j)[0] - after.get(k)[0] < 500_000_000L) {
                    j++;
                }
                if (j >= after.size()) {
                    continue; // too close to the end to judge
                }
                int[] answered = range(after.get(k)[0], after.get(j)[0]);
                int n = answered[1] - answered[0];
                if (n > 0 && (after.get(j)[1] - after.get(k)[1]) / (double) n < beforeShare / 2) {
                    break;
                }
                backAt = after.get(k)[0];
            }
            put("script_calls_back_s", backAt < 0 ? "not within the run" : secs(Math.max(0, backAt - t3)));
            put("script_calls_per_s_after", fmt("%.0f", scriptRate(samples, t3, t4)));
        }

        private double scriptRate(List<long[]> samples, long from, long to) {
            long[] first = null;
            long[] last = null;
            for (long[] sample : samples) {
                if (sample[0] >= from && sample[0] < to) {
                    if (first == null) {
                        first = sample;
                    }
                    last = sample;
                }
            }
            if (first == null || last == first) {
                return Double.NaN;
            }
            return (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
        }

        /**
         * The 5xx answers of the outage and after it: how long they took, all of them, and those whose request
         * started while the breaker was OPEN, by the transitions Payara logged (to the millisecond; the client sends
         * a request a little before the server takes it up, so a request sent just before the breaker opened counts
         * as before).
         */
        private void refusals() {
            List<Integer> all = new ArrayList<>();
            List<Integer> whileOpen = new ArrayList<>();
            int slow = 0;
            int[] range = range(t2, t4);
            for (int k = range[0]; k < range[1]; k++) {
                if (statuses[k] < 500) {
                    continue;
                }
                all.add(micros[k]);
                if (micros[k] >= 900_000) {
                    slow++;
                }
                long start = ends[k] - micros[k] * 1000L;
                if (breakerStateAt(outageBegan.toEpochMilli() + (start - t2) / 1_000_000L).equals("OPEN")) {
                    whileOpen.add(micros[k]);
                }
            }
            put("outage_5xx", all.size());
            put("outage_5xx_waited_900ms_or_more", slow);
            put("outage_5xx_p50_ms", fmt("%.2f", percentile(sorted(all), 50) / 1000.0));
            put("outage_5xx_p99_ms", fmt("%.2f", percentile(sorted(all), 99) / 1000.0));
            put("open_5xx", whileOpen.size());
            put("open_5xx_p50_ms", fmt("%.2f", percentile(sorted(whileOpen), 50) / 1000.0));
            put("open_5xx_p99_ms", fmt("%.2f", percentile(sorted(whileOpen), 99) / 1000.0));
            int[] open = sorted(whileOpen);
            put("open_5xx_max_ms", fmt("%.1f", (open.length == 0 ? 0 : open[open.length - 1]) / 1000.0));
            int openSlow = 0;
            for (int m : open) {
                if (m >= 900_000) {
                    openSlow++;
                }
            }
            put("open_5xx_waited_900ms_or_more", openSlow);
        }

        /** The breaker's state at {@code epochMillis} by the transitions Payara logged (CLOSED before the first). */
        private String breakerStateAt(long epochMillis) {
            String state = "CLOSED";
            for (Map.Entry<Long, String> transition : transitions) {
                if (transition.getKey() > epochMillis) {
                    break;
                }
                state = transition.getValue();
            }
            return state;
        }

        /** Per second, counted from the outage's start (negative before it). */
        private void timeline() throws IOException {
            List<long[]> p;
            List<String> s;
            List<long[]> samples;
            synchronized (polls) {
                p = new ArrayList<>(polls);
                s = new ArrayList<>(states);
            }
            synchronized (scripts) {
                samples = new ArrayList<>(scripts);
            }
            StringBuilder out = new StringBuilder("# second from the outage's start (Redis back at "
                    + secs(t3 - t2) + " s); phase; responses; 2xx; 429; 5xx; no answer; p50 ms; p99 ms; max ms;"
                    + " breaker states read by the health polls started in that second; script calls (evalsha)"
                    + " in that second (blank while Redis was away)\n")
                    .append("second\tphase\tresponses\t2xx\t429\t5xx\tno_answer\tp50_ms\tp99_ms\tmax_ms\tbreaker"
                            + "\tscript_calls\n");
            long second = 1_000_000_000L;
            for (long from = t2 - ((t2 - t1) / second) * second; from < t4; from += second) {
                long to = Math.min(from + second, t4);
                int[] range = range(from, to);
                int ok = 0;
                int tooMany = 0;
                int server = 0;
                int none = 0;
                int[] lat = new int[range[1] - range[0]];
                for (int k = range[0]; k < range[1]; k++) {
                    int st = statuses[k];
                    if (st / 100 == 2) {
                        ok++;
                    } else if (st == 429) {
                        tooMany++;
                    } else if (st >= 500) {
                        server++;
                    } else if (st == 0) {
                        none++;
                    }
                    lat[k - range[0]] = micros[k];
                }
                Arrays.sort(lat);
                StringBuilder seen = new StringBuilder();
                String last = null;
                for (int k = 0; k < p.size(); k++) {
                    if (p.get(k)[0] >= from && p.get(k)[0] < to && !s.get(k).equals(last)) {
                        last = s.get(k);
                        seen.append(seen.length() == 0 ? "" : ">").append(last);
                    }
                }
                long[] first = null;
                long[] end = null;
                for (long[] sample : samples) {
                    if (sample[0] >= from && sample[0] < to) {
                        if (first == null) {
                            first = sample;
                        }
                        end = sample;
                    }
                }
                String calls = first == null || end == first ? ""
                        : fmt("%.0f", (end[1] - first[1]) / ((end[0] - first[0]) / 1e9));
                long rel = Math.floorDiv(from - t2, second);
                String phase = to <= t2 ? "before" : from >= t3 ? "after"
                        : from >= t2 && to <= t3 ? "during" : from < t2 ? "before|during" : "during|after";
                out.append(rel).append('\t').append(phase).append('\t').append(lat.length).append('\t').append(ok)
                        .append('\t').append(tooMany).append('\t').append(server).append('\t').append(none)
                        .append('\t').append(fmt("%.1f", percentile(lat, 50) / 1000.0))
                        .append('\t').append(fmt("%.1f", percentile(lat, 99) / 1000.0))
                        .append('\t').append(fmt("%.1f", (lat.length == 0 ? 0 : lat[lat.length - 1]) / 1000.0))
                        .append('\t').append(seen).append('\t').append(calls).append('\n');
            }
            Files.writeString(results.resolve("outage-" + scenario + "-timeline.tsv"), out);
        }

        /** Every health poll from the "before" phase on: when it started and ended (s from the outage's start). */
        private void healthFile() throws IOException {
            StringBuilder out = new StringBuilder("# every GET /health/ready from the \"before\" phase on; times in s"
                    + " from the outage's start (Redis back at " + secs(t3 - t2) + " s); the state is the breaker's"
                    + " as the check read it when the poll started\nstart_s\tend_s\tstatus\tbreaker\n");
            synchronized (polls) {
                String last = null;
                for (int k = 0; k < polls.size(); k++) {
                    long[] poll = polls.get(k);
                    if (poll[0] < t1) {
                        continue;
                    }
                    // to keep the file small: only changes of state, and polls that took 50 ms or more
                    boolean changed = !states.get(k).equals(last);
                    last = states.get(k);
                    if (changed || poll[1] - poll[0] >= 50_000_000L || poll[2] != 200 && poll[2] != 503
                            || k == polls.size() - 1) {
                        out.append(fmt("%.3f", (poll[0] - t2) / 1e9)).append('\t')
                                .append(fmt("%.3f", (poll[1] - t2) / 1e9)).append('\t').append(poll[2]).append('\t')
                                .append(states.get(k)).append('\n');
                    }
                }
            }
            Files.writeString(results.resolve("outage-" + scenario + "-health.tsv"), out);
        }

        /** Every request from the "before" phase on that took 500 ms or more (at most 200 of them). */
        private void slowFile() throws IOException {
            StringBuilder out = new StringBuilder("# every request from the \"before\" phase on that took 500 ms or"
                    + " more (the first 200); times in s from the outage's start (Redis back at " + secs(t3 - t2)
                    + " s); status 0: no answer\nstart_s\tend_s\tms\tstatus\n");
            int[] range = range(t1, t4);
            int listed = 0;
            for (int k = range[0]; k < range[1] && listed < 200; k++) {
                if (micros[k] >= 500_000) {
                    listed++;
                    out.append(fmt("%.3f", (ends[k] - micros[k] * 1000L - t2) / 1e9)).append('\t')
                            .append(fmt("%.3f", (ends[k] - t2) / 1e9)).append('\t')
                            .append(fmt("%.1f", micros[k] / 1000.0)).append('\t').append(statuses[k]).append('\n');
                }
            }
            Files.writeString(results.resolve("outage-" + scenario + "-slow.tsv"), out);
        }

        /** Indexes [first, end) of the requests that ended in [from, to). */
        private int[] range(long from, long to) {
            return new int[] {lowerBound(from), lowerBound(to)};
        }

        private int lowerBound(long time) {
            int lo = 0;
            int hi = ends.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (ends[mid] < time) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private void put(String key, Object value) {
            figures.put(key, String.valueOf(value));
        }

        private String lines() {
            StringBuilder b = new StringBuilder();
            figures.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
            return b.toString();
        }
    }

    private static int[] sorted(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Nearest-rank percentile of sorted values; 0 when there are none. */
    private static int percentile(int[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    // ------------------------------------------------------------------------------------------ processes

    private void awaitUp() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            if (!payara.isAlive()) {
                throw new IllegalStateException("Payara Micro exited with " + payara.exitValue() + "; see "
                        + results.resolve("payara-outage-" + scenario + ".log"));
            }
            try {
                HttpConnection connection = new HttpConnection(port, 5_000);
                try {
                    if (connection.get(SEARCH, KEY, null) == 200) {
                        return;
                    }
                } finally {
                    connection.close();
                }
            } catch (IOException e) {
                // not yet
            }
            sleep(500);
        }
        throw new IllegalStateException("Payara Micro did not answer within 240 s");
    }

    /** The {@code tollgate_} lines of {@code /metrics} that concern the backend and the fallbacks. */
    private String tollgateMetrics() {
        try {
            HttpConnection connection = new HttpConnection(port, 10_000);
            try {
                StringBuilder body = new StringBuilder();
                connection.get("/metrics", null, body);
                StringBuilder b = new StringBuilder();
                for (String line : body.toString().split("\n")) {
                    if (line.startsWith("tollgate_backend") || line.startsWith("tollgate_ratelimit_fallbacks")
                            || line.startsWith("tollgate_ratelimit_calls_total")) {
                        b.append(line).append('\n');
                    }
                }
                return b.toString();
            } finally {
                connection.close();
            }
        } catch (IOException e) {
            return "(no answer from /metrics: " + e + ")\n";
        }
    }

    /**
     * The breaker's transitions from Payara's log: each with its time in seconds from the outage's start (from the
     * record's {@code timeMillis}), and the message.
     */
    private void breakerLog() throws IOException {
        Path log = results.resolve("payara-outage-" + scenario + ".log");
        if (!Files.exists(log) || outageBegan == null) {
            return;
        }
        Pattern millis = Pattern.compile("\\[timeMillis: (\\d+)\\]");
        StringBuilder b = new StringBuilder("# seconds from the outage's start (" + outageBegan + "), then the message"
                + " Payara Micro logged\n");
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            int at = line.indexOf("Tollgate: circuit breaker");
            if (at < 0) {
                continue;
            }
            Matcher m = millis.matcher(line);
            long loggedAt = m.find() ? Long.parseLong(m.group(1)) : -1;
            String when = loggedAt < 0 ? "?" : fmt("%+.3f", (loggedAt - outageBegan.toEpochMilli()) / 1e3);
            Matcher to = Pattern.compile("circuit breaker for \\S+ (CLOSED|OPEN|HALF_OPEN):").matcher(line);
            if (loggedAt >= 0 && to.find()) {
                transitions.add(Map.entry(loggedAt, to.group(1)));
                if (to.group(1).equals("CLOSED")) {
                    lastClosedMillis = loggedAt;
                }
            }
            b.append(when).append('\t').append(line.substring(at).replaceAll("\u001B\\[[0-9;]*m", "").strip())
                    .append('\n');
        }
        Files.writeString(results.resolve("outage-" + scenario + "-breaker.log"), b);
    }

    private void stopPayara() {
        Process p = payara;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        payara = null;
        deleteRecursively(http.resolve("root-outage-" + scenario));
        deletePid("payara");
    }

    private synchronized void shutDown() {
        stop.set(true);
        stopPayara();
        RedisProcess r = redis;
        if (r != null) {
            redis = null;
            try {
                r.close(); // thaws a frozen server first
            } catch (RuntimeException e) {
                System.err.println("closing redis-server: " + e);
            }
            deletePid("redis");
        }
    }

    private void writePid(String what, long pid) throws IOException {
        Files.writeString(results.resolve("outage-" + what + ".pid"), pid + "\n");
    }

    private void deletePid(String what) {
        try {
            Files.deleteIfExists(results.resolve("outage-" + what + ".pid"));
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** The clock ticks of /proc/stat and /proc/<pid>/stat: USER_HZ, 100 on Linux. */
    private static final int CLOCK_TICKS = 100;

    /**
     * Now (ns), the machine's busy and total jiffies (/proc/stat), Payara's jiffies (/proc/<pid>/stat), and this
     * JVM's (the load's client threads and pollers).
     */
    private long[] cpu() {
        long[] v = new long[5];
        v[0] = System.nanoTime();
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int k = 1; k < Math.min(f.length, 9); k++) {
                total += Long.parseLong(f[k]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            v[1] = total - idle;
            v[2] = total;
            Process p = payara;
            if (p != null) {
                v[3] = jiffies(p.pid());
            }
            v[4] = jiffies(ProcessHandle.current().pid());
        } catch (IOException | RuntimeException e) {
            // not Linux: no CPU figures
        }
        return v;
    }

    private static long jiffies(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] g = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(g[11]) + Long.parseLong(g[12]);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sleep(long millis) {
        sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static String secs(long nanos) {
        return fmt("%.2f", nanos / 1e9);
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    private void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%s %s] " + format + "%n",
                Stream.concat(Stream.of(Instant.now().toString(), scenario), Arrays.stream(args)).toArray());
    }
}
