package dev.tollgate.example.monitoring;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * The monitoring kit shipped in {@code server-config/monitoring/}: the Prometheus alert rules and the Grafana
 * dashboard, and the PromQL queries they use, as the tests read them.
 */
public final class MonitoringKit {

    public static final Path DIRECTORY = Path.of("..", "server-config", "monitoring").toAbsolutePath().normalize();
    public static final Path RULES = DIRECTORY.resolve("tollgate-alerts.yml");
    public static final Path DASHBOARD = DIRECTORY.resolve("tollgate-dashboard.json");

    /** What Grafana's built-in interval variables become in a test's query: a window of several 1 s scrapes. */
    static final String INTERVAL = "1m";

    private static final Pattern METRIC = Pattern.compile("\\btollgate_[a-zA-Z0-9_]+\\b");
    /** A comparison against a number, e.g. {@code > 0.5}, {@code == 1}, {@code > bool 0}. */
    private static final Pattern THRESHOLD = Pattern.compile(
            "\\s*(?:==|!=|>=|<=|>|<)\\s*(?:bool\\s+)?[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?(?![\\w.\\]])");
    private static final Pattern ALERT = Pattern.compile("(?m)^\\s*-\\s*alert:");
    private static final Pattern FOR = Pattern.compile("(?m)^(\\s*)for:\\s*\\S+\\s*$");
    private static final Pattern LABEL_VALUES = Pattern.compile(
            "^\\s*label_values\\(\\s*(.+?)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$");

    private MonitoringKit() {
    }

    /** A query of the kit: where it comes from (for messages) and its PromQL. */
    public record Query(String origin, String expr) {

        /** The Tollgate metrics it names ({@code tollgate_*}). */
        public Set<String> metrics() {
            Set<String> names = new TreeSet<>();
            Matcher matcher = METRIC.matcher(expr);
            while (matcher.find()) {
                names.add(matcher.group());
            }
            return names;
        }
    }

    /**
     * Every query of the dashboard, as Prometheus can run it: each panel's targets, and each template variable's
     * {@code label_values(metric, label)} as {@code count by (label) (metric)}. Grafana's variables are replaced
     * by what selects everything: {@code $job} by {@code .+} (the variable's "All"), {@code $__rate_interval},
     * {@code $__interval} and {@code $__range} by {@value #INTERVAL}.
     */
    public static List<Query> dashboardQueries() {
        JsonObject dashboard = dashboard();
        List<Query> queries = new ArrayList<>();
        for (JsonValue variable : dashboard.getJsonObject("templating").getJsonArray("list")) {
            JsonObject object = variable.asJsonObject();
            if (!"query".equals(object.getString("type"))) {
                continue;
            }
            JsonValue query = object.get("query");
            String text = query.getValueType() == JsonValue.ValueType.OBJECT
                    ? query.asJsonObject().getString("query") : object.getString("query");
            Matcher labelValues = LABEL_VALUES.matcher(text);
            if (!labelValues.matches()) {
                throw new AssertionError("Dashboard variable " + object.getString("name")
                        + ": only label_values(metric, label) queries are checked, was " + text);
            }
            queries.add(new Query("variable " + object.getString("name"),
                    grafanaVariablesReplaced("count by (" + labelValues.group(2) + ") (" + labelValues.group(1) + ")")));
        }
        collectPanelQueries(dashboard, queries);
        return queries;
    }

    private static void collectPanelQueries(JsonObject container, List<Query> queries) {
        if (!container.containsKey("panels")) {
            return;
        }
        for (JsonValue value : container.getJsonArray("panels")) {
            JsonObject panel = value.asJsonObject();
            if (panel.containsKey("targets")) {
                for (JsonValue target : panel.getJsonArray("targets")) {
                    JsonObject object = target.asJsonObject();
                    queries.add(new Query("panel \"" + panel.getString("title") + "\" " + object.getString("refId"),
                            grafanaVariablesReplaced(object.getString("expr"))));
                }
            }
            collectPanelQueries(panel, queries); // rows hold panels of their own
        }
    }

    static String grafanaVariablesReplaced(String expr) {
        return expr.replace("$__rate_interval", INTERVAL)
                .replace("$__interval", INTERVAL)
                .replace("$__range", INTERVAL)
                .replace("${job}", ".+")
                .replace("$job", ".+");
    }

    /** The dashboard's JSON. */
    public static JsonObject dashboard() {
        try (Reader reader = Files.newBufferedReader(DASHBOARD)) {
            return Json.createReader(reader).readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rules file's text. */
    public static String rules() {
        try {
            return Files.readString(RULES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many alerting rules the rules file declares ({@code - alert:} entries). */
    public static long alertCount() {
        return ALERT.matcher(rules()).results().count();
    }

    /**
     * The rules file with every {@code for:} set to {@code 0s}: alerts fire at the first evaluation whose
     * expression matches, so a test sees them fire within seconds instead of minutes. Nothing else changes.
     */
    public static String rulesFiringAtOnce() {
        return FOR.matcher(rules()).replaceAll("$1for: 0s");
    }

    /**
     * The expression without its comparisons against numbers ({@code > 0.5}, {@code == 1}, ...): the values the alert
     * compares, which must exist (as data) whether the alert fires or not. {@code A > 1 and B == 0} becomes
     * {@code A and B}, so it returns data only when both sides do.
     */
    public static String withoutThresholds(String expr) {
        return THRESHOLD.matcher(expr).replaceAll("");
    }
}
