package dev.tollgate.example.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.RedisForTestClass;
import dev.tollgate.example.it.support.TestArchives;
import dev.tollgate.example.monitoring.MonitoringKit;
import dev.tollgate.example.monitoring.MonitoringKit.Query;
import dev.tollgate.example.monitoring.PrometheusProcess;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * The monitoring kit of {@code server-config/monitoring/} against a real Prometheus (Debian's 2.42) scraping the
 * example on a real server: the example runs with Redis (so the backend's meters exist), Prometheus scrapes the server's
 * metrics endpoint and evaluates the shipped rules every second, the test drives refusals through the login limit (5 a
 * minute per client address) and leases permits through the search limit (made a leased fixed window for this
 * deployment, so that the permit leasing meters exist), and then every query of the dashboard and of the rules must
 * return data, and the refusal-ratio alert must fire for {@code login}. A panel or rule that names a metric the server does not export
 * fails here.
 *
 * <p>What "returns data" means: a dashboard query is run as it is (Grafana's variables replaced, see
 * {@link MonitoringKit#dashboardQueries()}); an alert's expression is run without its thresholds
 * ({@link MonitoringKit#withoutThresholds}), since an alert that does not fire returns nothing by design; and each
 * {@code tollgate_*} metric a query names must have a series of its own, so {@code A or B} cannot hide a missing
 * {@code B}. The rules are loaded with every {@code for:} set to {@code 0s}
 * ({@link MonitoringKit#rulesFiringAtOnce()}): the test cannot wait minutes.
 */
@ExtendWith({RedisForTestClass.class, ArquillianExtension.class})
public abstract class AbstractMonitoringKitIT {

    protected static final String ARCHIVE = "monitoring-kit.war";

    /** Metrics the kit queries that Tollgate does not export yet, whose queries are not checked: none. */
    static final Set<String> PENDING_METRICS = Set.of();

    static final String REFUSAL_ALERT = "TollgateHighRefusalRatio";
    static final String VIOLATOR_ALERT = "TollgatePersistentViolators";
    /** The 15 refused logins are more than this: the login limit gets a persistent violator. */
    static final int PERSISTENT_THRESHOLD = 10;
    static final String LIMITER = "login";
    static final int LOGINS = 20;
    /** The search limit's annotation members, overridden through MicroProfile Config for this deployment. */
    static final String SEARCH_LIMIT = "dev.tollgate.example.SearchResource/search/RateLimit/";
    static final int SEARCHES = 3;
    static final Duration AWAIT = Duration.ofSeconds(30);

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    static WebArchive monitoredWar() {
        return TestArchives.withConfig(TestArchives.exampleWar(ARCHIVE),
                "tollgate.redis.address=" + RedisForTestClass.start().address(),
                "tollgate.violations.persistent-threshold=" + PERSISTENT_THRESHOLD,
                SEARCH_LIMIT + "algorithm=FIXED_WINDOW", SEARCH_LIMIT + "leasing=true");
    }

    /** Where the server serves metrics as Prometheus text, as an operator would have Prometheus scrape it. */
    protected abstract URI metricsEndpoint();

    @Test
    void everyQueryOfTheDashboardAndRulesReturnsDataAndTheRefusalRatioAlertFires() throws Exception {
        long started = System.nanoTime();
        try (PrometheusProcess prometheus = PrometheusProcess.start(Http.loopback(metricsEndpoint()),
                MonitoringKit.rulesFiringAtOnce())) {
            System.out.println("Prometheus scrapes " + metricsEndpoint() + "; kit at " + MonitoringKit.DIRECTORY);
            List<Query> rules = ruleQueries(prometheus);
            assertThat(rules).as("alerting rules loaded from %s", MonitoringKit.RULES)
                    .hasSize((int) MonitoringKit.alertCount());

            // Counters must be scraped once before the refusals, or rate() sees no increase.
            await(prometheus, "the login counters scraped", () -> !prometheus.query(
                    "tollgate_ratelimit_calls_total{limiter=\"" + LIMITER + "\"}").isEmpty());
            // The refusals must fall in one violation period (a minute, aligned to the epoch) to make a persistent
            // violator: within 5 s of a minute's end, wait for the next.
            long left = 60_000 - System.currentTimeMillis() % 60_000;
            if (left < 5_000) {
                Thread.sleep(left + 100);
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (int attempt = 0; attempt < LOGINS; attempt++) {
                statuses.merge(login().statusCode(), 1, Integer::sum);
            }
            System.out.println(LOGINS + " logins: status -> count " + statuses);
            // the first five are permitted (and answered 401: wrong password), the rest refused
            assertThat(statuses).containsOnlyKeys(401, 429).containsEntry(429, LOGINS - 5);
            // A few searches on the free plan (10 a minute): permitted from a lease
            for (int search = 0; search < SEARCHES; search++) {
                assertThat(search().statusCode()).as("search %d", search + 1).isEqualTo(200);
            }

            List<Query> queries = new ArrayList<>(MonitoringKit.dashboardQueries());
            queries.addAll(rules);
            Map<String, String> missing = new LinkedHashMap<>();
            await(prometheus, "data for every query, and " + REFUSAL_ALERT + " and " + VIOLATOR_ALERT + " firing for "
                    + LIMITER, () -> {
                missing.clear();
                missing.putAll(queriesWithoutData(prometheus, queries));
                return missing.isEmpty() && firing(prometheus, REFUSAL_ALERT, LIMITER)
                        && firing(prometheus, VIOLATOR_ALERT, LIMITER);
            }, () -> "queries without data: " + missing + "\nalerts: " + prometheus.alerts()
                    + "\ntargets: " + prometheus.targets() + "\nPrometheus log:\n" + prometheus.log());

            Set<String> metrics = new TreeSet<>();
            queries.forEach(query -> metrics.addAll(query.metrics()));
            System.out.println("Checked " + queries.size() + " queries on " + metrics + " (pending: "
                    + PENDING_METRICS + ")");
            System.out.println("Tollgate series the server exports, by name: " + prometheus.query(
                    "count by (__name__) ({__name__=~\"tollgate_.*\"})"));
            for (String metric : metrics) {
                System.out.println("  " + metric + ": " + prometheus.query(metric));
            }
            System.out.println("Alerts: " + prometheus.alerts());
        } finally {
            System.out.printf("Monitoring kit check took %.1f s (Prometheus started and stopped)%n",
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /** The alerting rules Prometheus loaded, their expressions without thresholds. */
    private static List<Query> ruleQueries(PrometheusProcess prometheus) {
        List<Query> queries = new ArrayList<>();
        for (JsonValue group : prometheus.ruleGroups()) {
            for (JsonValue value : group.asJsonObject().getJsonArray("rules")) {
                JsonObject rule = value.asJsonObject();
                assertThat(rule.getString("health")).as("rule %s: %s", rule.getString("name"), rule).isNotEqualTo("err");
                queries.add(new Query("rule " + rule.getString("name"),
                        MonitoringKit.withoutThresholds(rule.getString("query"))));
            }
        }
        return queries;
    }

    /** Query (origin and PromQL) -> what lacks data, for every query that names no pending metric. */
    private static Map<String, String> queriesWithoutData(PrometheusProcess prometheus, List<Query> queries) {
        Map<String, String> missing = new LinkedHashMap<>();
        for (Query query : queries) {
            if (query.metrics().stream().anyMatch(PENDING_METRICS::contains)) {
                continue;
            }
            for (String metric : query.metrics()) {
                if (prometheus.query(metric).isEmpty()) {
                    missing.put(query.origin(), "no series " + metric + " in " + query.expr());
                }
            }
            if (!missing.containsKey(query.origin()) && prometheus.query(query.expr()).isEmpty()) {
                missing.put(query.origin(), "no result for " + query.expr());
            }
        }
        return missing;
    }

    private static boolean firing(PrometheusProcess prometheus, String alert, String limiter) {
        JsonArray alerts = prometheus.alerts();
        return alerts.stream().map(JsonValue::asJsonObject).anyMatch(candidate ->
                alert.equals(candidate.getJsonObject("labels").getString("alertname", null))
                        && limiter.equals(candidate.getJsonObject("labels").getString("limiter", null))
                        && "firing".equals(candidate.getString("state")));
    }

    private static void await(PrometheusProcess prometheus, String what, BooleanSupplier condition) {
        await(prometheus, what, condition, prometheus::log);
    }

    private static void await(PrometheusProcess prometheus, String what, BooleanSupplier condition,
            Supplier<String> diagnosis) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + AWAIT + " for " + what + "; " + diagnosis.get());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private HttpResponse<String> search() {
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/search?q=tollgate"))
                .header("X-Api-Key", "key-alice").GET());
    }

    private HttpResponse<String> login() {
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("user=mallory&password=guess")));
    }
}
