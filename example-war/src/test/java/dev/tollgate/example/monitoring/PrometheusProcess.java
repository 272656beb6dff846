package dev.tollgate.example.monitoring;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

/**
 * A real Prometheus ({@link DebianPrometheus}) of a test's own: started on a free loopback port, in a temporary
 * directory (configuration, rules, TSDB, log) under {@code java.io.tmpdir}, scraping one target and evaluating one
 * rules file every second. {@link #close()} stops it and deletes the directory; use it in try-with-resources so that
 * happens whatever the test does.
 */
public final class PrometheusProcess implements AutoCloseable {

    /** The job name of the one scrape target. */
    public static final String JOB = "tollgate";

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path directory;
    private final URI api;

    private PrometheusProcess(Process process, Path directory, URI api) {
        this.process = process;
        this.directory = directory;
        this.api = api;
    }

    /**
     * Starts Prometheus scraping {@code target} (e.g. {@code http://127.0.0.1:8080/metrics}) every second and
     * evaluating {@code rules} (the text of a rules file) every second, and waits until it is ready.
     */
    public static PrometheusProcess start(URI target, String rules) throws IOException {
        Path executable = DebianPrometheus.prometheus();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        Path directory = Files.createTempDirectory(tmp, "prometheus-");
        Process process = null;
        try {
            Path rulesFile = Files.writeString(directory.resolve("rules.yml"), rules);
            Path config = Files.writeString(directory.resolve("prometheus.yml"), config(target, rulesFile));
            int port = freeLoopbackPort();
            process = new ProcessBuilder(executable.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + directory.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--web.console.templates=" + directory.resolve("consoles"),
                    "--web.console.libraries=" + directory.resolve("console_libraries"),
                    "--log.level=info")
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("prometheus.log").toFile())
                    .start();
            PrometheusProcess prometheus = new PrometheusProcess(process, directory, URI.create(
                    "http://127.0.0.1:" + port + "/"));
            prometheus.awaitReady();
            return prometheus;
        } catch (IOException | RuntimeException | Error e) {
            stop(process);
            String log = log(directory);
            delete(directory);
            throw new IllegalStateException("Prometheus did not start: " + e + "\nIts log:\n" + log, e);
        }
    }

    private static String config(URI target, Path rulesFile) {
        StringBuilder yaml = new StringBuilder()
                .append("global:\n")
                .append("  scrape_interval: 1s\n")
                .append("  scrape_timeout: 1s\n")
                .append("  evaluation_interval: 1s\n")
                .append("rule_files:\n")
                .append("  - ").append(quoted(rulesFile.toString())).append('\n')
                .append("scrape_configs:\n")
                .append("  - job_name: ").append(JOB).append('\n')
                .append("    scheme: ").append(target.getScheme()).append('\n')
                .append("    metrics_path: ").append(quoted(target.getPath())).append('\n');
        if (target.getQuery() != null) {
            yaml.append("    params:\n");
            for (String parameter : target.getQuery().split("&")) {
                String[] pair = parameter.split("=", 2);
                yaml.append("      ").append(pair[0]).append(": [").append(quoted(pair.length > 1 ? pair[1] : ""))
                        .append("]\n");
            }
        }
        return yaml.append("    static_configs:\n")
                .append("      - targets: [").append(quoted(target.getHost() + ":" + target.getPort())).append("]\n")
                .toString();
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited with code " + process.exitValue());
            }
            try {
                if (get(api.resolve("-/ready")).statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Prometheus not ready after " + STARTUP);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    /** The result of an instant query ({@code /api/v1/query}): {@code data.result}, empty when nothing matched. */
    public JsonArray query(String promql) {
        JsonObject response = json(api.resolve("api/v1/query?query=" + URLEncoder.encode(promql,
                StandardCharsets.UTF_8)));
        return response.getJsonObject("data").getJsonArray("result");
    }

    /** The active alerts ({@code /api/v1/alerts}): {@code data.alerts}. */
    public JsonArray alerts() {
        return json(api.resolve("api/v1/alerts")).getJsonObject("data").getJsonArray("alerts");
    }

    /** The rule groups loaded from the rules file ({@code /api/v1/rules}): {@code data.groups}. */
    public JsonArray ruleGroups() {
        return json(api.resolve("api/v1/rules")).getJsonObject("data").getJsonArray("groups");
    }

    /** The scrape targets ({@code /api/v1/targets}): {@code data.activeTargets}. */
    public JsonArray targets() {
        return json(api.resolve("api/v1/targets")).getJsonObject("data").getJsonArray("activeTargets");
    }

    /** What Prometheus logged so far. */
    public String log() {
        return log(directory);
    }

    private JsonObject json(URI uri) {
        HttpResponse<String> response = get(uri);
        JsonObject body = Json.createReader(new StringReader(response.body())).readObject();
        if (response.statusCode() != 200 || !"success".equals(body.getString("status", null))) {
            throw new IllegalStateException(uri + " -> " + response.statusCode() + " " + response.body());
        }
        return body;
    }

    private static HttpResponse<String> get(URI uri) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops Prometheus (SIGTERM, then SIGKILL after 10 s) and deletes its directory. */
    @Override
    public void close() {
        try {
            stop(process);
        } finally {
            delete(directory);
        }
    }

    private static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String log(Path directory) {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
