package dev.tollgate.example.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.probe.JsonProbeResource;
import dev.tollgate.example.it.probe.NeverCalledLimiterProbeResource;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.PrometheusText;
import dev.tollgate.example.it.support.RateLimitFields;
import dev.tollgate.example.it.support.TestArchives;

/**
 * The example API over HTTP, on the in-memory backend: limits, tiers, the 429 problem response, the rate-limit
 * headers, the status endpoint, metrics and readiness. One deployment per server for the whole class.
 *
 * <p>Every test runs against the same deployment from the same client address (127.0.0.1), in any order, so each
 * test owns its limiter partitions and never touches another test's:
 * <ul>
 *   <li>login (keyed by client address): only {@link #loginIsRefusedAfterFiveAttempts()}</li>
 *   <li>search: alice, bob and carol in {@link #searchIsLimitedPerUserByTier()}, unknown keys in
 *       {@link #unknownApiKeysShareOnePartition()}, dave in {@link #statusListsTheCallersQuotasWithoutConsuming()}</li>
 *   <li>reports (an EJB, keyed by user): dave in {@link #reportsEjbRefusalReachesTheClientAs429()}</li>
 *   <li>export-daily and export-burst: bob in {@link #exportChecksBothLimitsAndRefusesTheBurst()}, dave in
 *       {@link #statusListsTheCallersQuotasWithoutConsuming()}</li>
 * </ul>
 * A test that reads a value another test may change (login's remaining permits in the status, the login counters)
 * only relies on how that value can change.
 *
 * <p>Subclasses say where the server publishes metrics and readiness.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class AbstractExampleApiIT {

    /** The Prometheus name of Tollgate's {@code tollgate.ratelimit.calls.total} counter. */
    protected static final String CALLS = "tollgate_ratelimit_calls_total";

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String PROBLEM_TYPE = "https://tollgate.dev/problems/rate-limit-exceeded";
    private static final List<String> EXAMPLE_LIMITERS =
            List.of("login", "search", "reports", "export-daily", "export-burst", "upstream-rates");

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    static WebArchive exampleWar() {
        return TestArchives.exampleWar()
                .addClasses(JsonProbeResource.class, NeverCalledLimiterProbeResource.class);
    }

    /** Where the server serves its metrics as Prometheus text. */
    protected abstract URI metricsEndpoint();

    /** Where the server serves MicroProfile Health readiness. */
    protected abstract URI readinessEndpoint();

    /**
     * Labels the server adds to this deployment's meters, besides {@code limiter} and {@code result}; the counters
     * read must have them, so that another deployment's meters are never mistaken for this one's.
     */
    protected abstract Map<String, String> deploymentLabels();

    /** The labels of the {@value #CALLS} counter of one limiter and result in this deployment. */
    private Map<String, String> callLabels(String limiter, String result) {
        Map<String, String> labels = new HashMap<>(deploymentLabels());
        labels.put("limiter", limiter);
        labels.put("result", result);
        return labels;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // deployment

    @Test
    void archiveShipsTheExtensionJarAndDeploysOnLoopback() {
        assertThat(TestArchives.exampleWar().getContent().keySet())
                .map(ArchivePath::get)
                .anyMatch(path -> path.matches("/WEB-INF/lib/tollgate-extension-.*\\.jar"));
        assertThat(Http.resolve(base, "api/search").getHost()).isEqualTo(Http.LOOPBACK);
        assertThat(base.getPath()).isEqualTo("/tollgate-example/");
    }

    @Test
    void jsonIsWrittenByJsonB() {
        HttpResponse<String> response = Http.get(base, "api/json-probe");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(mediaType(response)).isEqualTo("application/json");
        assertThat(response.body()).isEqualToIgnoringWhitespace("{\"jsonb\":\"written by JSON-B\"}");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // login: 5 a minute per client address, sliding window. The only test that logs in.

    @Test
    void loginIsRefusedAfterFiveAttempts() {
        Map<String, Double> countersBefore = calls("login");
        long startSeconds = System.currentTimeMillis() / 1000;

        for (int attempt = 1; attempt <= 5; attempt++) {
            // four wrong passwords, then the right one: every attempt counts, successful or not
            boolean right = attempt == 5;
            HttpResponse<String> response = login("mallory", right ? "secret" : "guess-" + attempt);
            long remaining = 5 - attempt;

            assertThat(response.statusCode()).as("attempt %d: %s", attempt, response.body())
                    .isEqualTo(right ? 200 : 401);
            assertThat(json(response).getBoolean("authenticated")).isEqualTo(right);
            assertThat(RateLimitFields.header(response, "RateLimit-Policy")).isEqualTo("\"login\";q=5;w=60");
            Map<String, Long> rateLimit = RateLimitFields.parse(response, "RateLimit").get("login");
            assertThat(rateLimit).as("RateLimit of attempt %d", attempt).isNotNull();
            assertThat(rateLimit.get("r")).as("RateLimit r of attempt %d", attempt).isEqualTo(remaining);
            assertThat(rateLimit.get("t")).as("RateLimit t of attempt %d", attempt).isBetween(1L, 60L);
            assertThat(RateLimitFields.header(response, "X-RateLimit-Limit")).isEqualTo("5");
            assertThat(RateLimitFields.header(response, "X-RateLimit-Remaining")).isEqualTo(Long.toString(remaining));
            long reset = Long.parseLong(RateLimitFields.header(response, "X-RateLimit-Reset"));
            assertThat(reset).as("X-RateLimit-Reset (epoch seconds) of attempt %d", attempt)
                    .isBetween(startSeconds, System.currentTimeMillis() / 1000 + 61);
            assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        }

        // the sixth, with the right password, is refused before the method runs
        HttpResponse<String> refused = login("mallory", "secret");
        long retryAfter = assertRefused(refused, "login", 60);
        assertThat(RateLimitFields.header(refused, "RateLimit-Policy")).isEqualTo("\"login\";q=5;w=60");
        Map<String, Long> rateLimit = RateLimitFields.parse(refused, "RateLimit").get("login");
        assertThat(rateLimit.get("r")).isZero();
        // t: until more quota comes, when the oldest attempt leaves the sliding window, which is also when a call of
        // cost 1 fits again: the same moment as Retry-After
        assertThat(rateLimit.get("t")).as("t of a cost-1 refusal by a sliding window").isEqualTo(retryAfter);
        assertThat(RateLimitFields.header(refused, "X-RateLimit-Limit")).isEqualTo("5");
        assertThat(RateLimitFields.header(refused, "X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(Long.parseLong(RateLimitFields.header(refused, "X-RateLimit-Reset")))
                .isBetween(startSeconds, System.currentTimeMillis() / 1000 + 61);

        // a refusal consumes nothing and is refused again
        assertRefused(login("mallory", "guess-7"), "login", 60);

        // the counters saw exactly these calls: 5 permitted, 2 rejected
        Map<String, Double> countersAfter = calls("login");
        assertThat(countersAfter.get("permitted") - countersBefore.get("permitted"))
                .as("login permitted: before %s, after %s", countersBefore, countersAfter).isEqualTo(5.0);
        assertThat(countersAfter.get("rejected") - countersBefore.get("rejected"))
                .as("login rejected: before %s, after %s", countersBefore, countersAfter).isEqualTo(2.0);
        assertThat(countersAfter.get("permitted")).isGreaterThanOrEqualTo(5.0);
        assertThat(countersAfter.get("rejected")).isGreaterThanOrEqualTo(1.0);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // search: tiered, per API key

    @Test
    void searchIsLimitedPerUserByTier() {
        // alice (free): 10 a minute
        for (int call = 1; call <= 10; call++) {
            HttpResponse<String> response = search("key-alice");
            assertThat(response.statusCode()).as("alice's search %d: %s", call, response.body()).isEqualTo(200);
            assertThat(json(response).getString("query")).isEqualTo("tollgate");
            assertThat(RateLimitFields.header(response, "RateLimit-Policy")).isEqualTo("\"search\";q=10;w=60");
            assertThat(RateLimitFields.parse(response, "RateLimit").get("search").get("r")).isEqualTo(10L - call);
            assertThat(RateLimitFields.header(response, "X-RateLimit-Limit")).isEqualTo("10");
            assertThat(RateLimitFields.header(response, "X-RateLimit-Remaining")).isEqualTo(Long.toString(10 - call));
        }
        HttpResponse<String> refused = search("key-alice");
        assertRefused(refused, "search", 60);
        assertThat(RateLimitFields.header(refused, "RateLimit-Policy")).isEqualTo("\"search\";q=10;w=60");
        assertThat(RateLimitFields.parse(refused, "RateLimit").get("search").get("r")).isZero();

        // carol (premium) is counted apart from alice, with her plan's limit
        HttpResponse<String> carol = search("key-carol");
        assertThat(carol.statusCode()).as("carol after alice ran out: %s", carol.body()).isEqualTo(200);
        assertThat(RateLimitFields.header(carol, "RateLimit-Policy")).isEqualTo("\"search\";q=300;w=60");
        assertThat(RateLimitFields.header(carol, "X-RateLimit-Remaining")).isEqualTo("299");

        // bob (basic): 60 a minute, so an 11th and 12th search go through
        for (int call = 1; call <= 12; call++) {
            HttpResponse<String> response = search("key-bob");
            assertThat(response.statusCode()).as("bob's search %d: %s", call, response.body()).isEqualTo(200);
            assertThat(RateLimitFields.header(response, "RateLimit-Policy")).isEqualTo("\"search\";q=60;w=60");
            assertThat(RateLimitFields.header(response, "X-RateLimit-Limit")).isEqualTo("60");
            assertThat(RateLimitFields.header(response, "X-RateLimit-Remaining")).isEqualTo(Long.toString(60 - call));
        }

        // and neither of them gave alice anything back
        assertRefused(search("key-alice"), "search", 60);
    }

    @Test
    void unknownApiKeysShareOnePartition() {
        // invented keys and no key at all: one "unknown" partition, in the default (free) tier
        String[] keys = {"invented-key-1", "invented-key-2", null, "invented-key-1", "invented-key-2",
            "invented-key-3", "invented-key-2", null, "invented-key-1", "invented-key-4"};
        for (int call = 1; call <= keys.length; call++) {
            HttpResponse<String> response = search(keys[call - 1]);
            assertThat(response.statusCode()).as("search %d with key %s: %s", call, keys[call - 1], response.body())
                    .isEqualTo(200);
            assertThat(RateLimitFields.header(response, "RateLimit-Policy")).isEqualTo("\"search\";q=10;w=60");
            assertThat(RateLimitFields.header(response, "X-RateLimit-Remaining")).as("after call %d", call)
                    .isEqualTo(Long.toString(10 - call));
        }
        assertRefused(search("invented-key-5"), "search", 60);
        assertRefused(search(null), "search", 60);
        assertRefused(search("invented-key-1"), "search", 60);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // reports: a @Stateless EJB, token bucket of 20 an hour, each report costs 5

    @Test
    void reportsEjbRefusalReachesTheClientAs429() {
        for (int call = 1; call <= 4; call++) {
            HttpResponse<String> response = report("key-dave", "q" + call);
            assertThat(response.statusCode()).as("dave's report %d: %s", call, response.body()).isEqualTo(200);
            assertThat(json(response).getString("report")).isEqualTo("Report on q" + call + " for dave");
            // a token bucket's w is the time to refill its capacity: 20 × 1 h / 20
            assertThat(RateLimitFields.header(response, "RateLimit-Policy")).isEqualTo("\"reports\";q=20;w=3600");
            assertThat(RateLimitFields.parse(response, "RateLimit").get("reports").get("r"))
                    .isEqualTo(20L - 5L * call);
        }
        HttpResponse<String> refused = report("key-dave", "q5");
        assertRefused(refused, "reports", 3600);
        assertThat(RateLimitFields.parse(refused, "RateLimit").get("reports").get("r")).isZero();

        // an unknown key is turned away by the resource before the EJB is asked
        assertThat(report("invented-key", "q").statusCode()).isEqualTo(401);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // rates: an @ApplicationScoped bean's limit, one shared by every caller (20 a minute, sliding window)

    @Test
    void anApplicationScopedBeansLimitIsSharedByAllCallers() {
        List<String> keys = List.of("key-alice", "key-bob", "key-carol", "key-dave");
        for (int call = 1; call <= 20; call++) {
            HttpResponse<String> response = call("GET", "api/rates?to=USD", keys.get(call % keys.size()),
                    BodyPublishers.noBody());
            assertThat(response.statusCode()).as("rate %d: %s", call, response.body()).isEqualTo(200);
            assertThat(json(response).getString("to")).isEqualTo("USD");
            assertThat(RateLimitFields.header(response, "RateLimit-Policy")).isEqualTo("\"upstream-rates\";q=20;w=60");
            assertThat(RateLimitFields.parse(response, "RateLimit").get("upstream-rates").get("r"))
                    .isEqualTo(20L - call);
        }
        // another caller, no key at all: the limit is the application's, not a caller's
        assertRefused(call("GET", "api/rates?to=GBP", null, BodyPublishers.noBody()), "upstream-rates", 60);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // export: two limits on one method, 3 a day and 2 per 10 s (fixed windows aligned to the epoch)

    @Test
    void exportChecksBothLimitsAndRefusesTheBurst() {
        awaitFixedWindowWithAtLeast(Duration.ofSeconds(10), Duration.ofSeconds(5));

        for (int call = 1; call <= 2; call++) {
            HttpResponse<String> response = export("key-bob");
            assertThat(response.statusCode()).as("bob's export %d: %s", call, response.body()).isEqualTo(200);
            assertThat(response.body()).startsWith("id,name\n");
            Map<String, Map<String, Long>> policy = RateLimitFields.parse(response, "RateLimit-Policy");
            assertThat(policy).containsOnlyKeys("export-daily", "export-burst");
            assertThat(policy.get("export-daily")).containsExactlyInAnyOrderEntriesOf(Map.of("q", 3L, "w", 86400L));
            assertThat(policy.get("export-burst")).containsExactlyInAnyOrderEntriesOf(Map.of("q", 2L, "w", 10L));
            Map<String, Map<String, Long>> rateLimit = RateLimitFields.parse(response, "RateLimit");
            assertThat(rateLimit.get("export-daily").get("r")).isEqualTo(3L - call);
            assertThat(rateLimit.get("export-daily").get("t")).isBetween(1L, 86400L);
            assertThat(rateLimit.get("export-burst").get("r")).isEqualTo(2L - call);
            assertThat(rateLimit.get("export-burst").get("t")).isBetween(1L, 10L);
            // the legacy headers describe the limit with the fewest permits left: the burst
            assertThat(RateLimitFields.header(response, "X-RateLimit-Limit")).isEqualTo("2");
            assertThat(RateLimitFields.header(response, "X-RateLimit-Remaining")).isEqualTo(Long.toString(2 - call));
        }

        HttpResponse<String> refused = export("key-bob");
        assertRefused(refused, "export-burst", 10);
        Map<String, Map<String, Long>> rateLimit = RateLimitFields.parse(refused, "RateLimit");
        assertThat(rateLimit.get("export-burst").get("r")).isZero();
        // all or nothing: the refused call took nothing from the daily quota
        assertThat(rateLimit.get("export-daily").get("r")).isEqualTo(1L);
        assertThat(RateLimitFields.header(refused, "X-RateLimit-Limit")).isEqualTo("2");
        assertThat(RateLimitFields.header(refused, "X-RateLimit-Remaining")).isEqualTo("0");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // status: the caller's quotas, read without consuming

    @Test
    void statusListsTheCallersQuotasWithoutConsuming() {
        Map<String, JsonObject> initial = status("key-dave");
        // reports is keyed by a method parameter, which a status request cannot know: left out
        assertThat(initial).containsOnlyKeys("search", "export-daily", "export-burst", "login", "upstream-rates",
                NeverCalledLimiterProbeResource.LIMITER);
        // upstream-rates is shared by everyone and spent by another test: only its shape is certain here
        assertThat(initial.get("upstream-rates").getJsonNumber("limit").longValue()).isEqualTo(20);
        assertQuota(initial.get("search"), 1000, 1000, 60);  // dave is enterprise
        assertQuota(initial.get("export-daily"), 3, 3, 86400);
        assertQuota(initial.get("export-burst"), 2, 2, 10);
        assertThat(initial.get("login").getJsonNumber("limit").longValue()).isEqualTo(5);
        assertThat(initial.get("login").getJsonNumber("remaining").longValue()).isBetween(0L, 5L);
        assertThat(initial.get("login").getJsonNumber("windowSeconds").longValue()).isEqualTo(60);

        awaitFixedWindowWithAtLeast(Duration.ofSeconds(10), Duration.ofSeconds(5));
        for (int call = 1; call <= 3; call++) {
            assertThat(search("key-dave").statusCode()).isEqualTo(200);
        }
        assertThat(export("key-dave").statusCode()).isEqualTo(200);

        Map<String, JsonObject> after = status("key-dave");
        Map<String, JsonObject> again = status("key-dave");
        for (Map<String, JsonObject> quotas : List.of(after, again)) {
            assertQuota(quotas.get("search"), 1000, 997, 60);
            assertQuota(quotas.get("export-daily"), 3, 2, 86400);
            assertQuota(quotas.get("export-burst"), 2, 1, 10);
            assertThat(quotas.get("export-burst").getJsonNumber("resetSeconds").longValue()).isBetween(1L, 10L);
            // login is another test's (keyed by address, not by API key): its permits can only come back
            assertThat(quotas.get("login").getJsonNumber("remaining").longValue())
                    .isGreaterThanOrEqualTo(initial.get("login").getJsonNumber("remaining").longValue());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // observability

    @Test
    void idempotencyCountersExistFromDeployment() {
        PrometheusText metrics = scrape();
        String name = "tollgate_idempotency_calls_total";
        System.out.println("Idempotency counters at " + metricsEndpoint() + ":\n" + metrics.linesWith(name));
        for (String method : List.of("dev.tollgate.example.OrderResource/place",
                "dev.tollgate.example.MessageSender/send")) {
            for (String result : List.of("executed", "replayed", "conflict", "mismatch", "invalid")) {
                Map<String, String> labels = new HashMap<>(deploymentLabels());
                labels.put("method", method);
                labels.put("result", result);
                assertThat(metrics.value(name, labels))
                        .as("%s{method=%s,result=%s} in\n%s", name, method, result, metrics.linesWith(name))
                        .isPresent();
            }
        }
    }

    @Test
    void callCountersOfEveryLimiterExistFromDeployment() {
        PrometheusText metrics = scrape();
        System.out.println("Call counters at " + metricsEndpoint() + ":\n" + metrics.linesWith(CALLS));
        String neverCalled = NeverCalledLimiterProbeResource.LIMITER;
        for (String result : List.of("permitted", "rejected")) {
            assertThat(metrics.value(CALLS, callLabels(neverCalled, result)))
                    .as("%s{limiter=%s,result=%s} in\n%s", CALLS, neverCalled, result, metrics.linesWith(CALLS))
                    .hasValue(0.0);
            for (String limiter : EXAMPLE_LIMITERS) {
                assertThat(metrics.value(CALLS, callLabels(limiter, result)))
                        .as("%s{limiter=%s,result=%s} in\n%s", CALLS, limiter, result, metrics.linesWith(CALLS))
                        .isPresent();
            }
        }
    }

    @Test
    protected void readinessReportsTheInMemoryBackend() {
        HttpResponse<String> response = Http.get(readinessEndpoint());
        System.out.println("Readiness: " + readinessEndpoint() + " -> " + response.statusCode() + " " + response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject health = json(response);
        assertThat(health.getString("status")).isEqualTo("UP");
        List<JsonObject> checks = health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("tollgate-redis"))
                .toList();
        assertThat(checks).as("tollgate-redis checks in %s", response.body()).hasSize(1);
        JsonObject check = checks.get(0);
        assertThat(check.getString("status")).isEqualTo("UP");
        assertThat(check.getJsonObject("data").getString("backend")).isEqualTo("memory");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    /**
     * Asserts a 429 from {@code limiter}: {@code Retry-After} whole seconds in [1, maxSeconds], an
     * {@code application/problem+json} body naming the limiter and repeating the wait. Returns the wait.
     */
    private static long assertRefused(HttpResponse<String> response, String limiter, long maxSeconds) {
        assertThat(response.statusCode()).as("expected a 429 from %s, got: %s", limiter, response.body())
                .isEqualTo(429);
        String retryAfterHeader = response.headers().firstValue("Retry-After").orElse(null);
        assertThat(retryAfterHeader).as("Retry-After").isNotNull().matches("[0-9]+");
        long retryAfter = Long.parseLong(retryAfterHeader);
        assertThat(retryAfter).as("Retry-After").isBetween(1L, maxSeconds);
        assertThat(mediaType(response)).isEqualTo(PROBLEM_JSON);

        JsonObject problem = json(response);
        assertThat(problem.getInt("status")).isEqualTo(429);
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("type")).isEqualTo(PROBLEM_TYPE);
        assertThat(problem.getString("limiter")).isEqualTo(limiter);
        assertThat(problem.getJsonNumber("retryAfter").longValueExact()).isEqualTo(retryAfter);
        return retryAfter;
    }

    private static void assertQuota(JsonObject quota, long limit, long remaining, long windowSeconds) {
        assertThat(quota).as("quota").isNotNull();
        assertThat(quota.getJsonNumber("limit").longValue()).as("limit of %s", quota).isEqualTo(limit);
        assertThat(quota.getJsonNumber("remaining").longValue()).as("remaining of %s", quota).isEqualTo(remaining);
        assertThat(quota.getJsonNumber("windowSeconds").longValue()).as("window of %s", quota).isEqualTo(windowSeconds);
    }

    /**
     * Waits, if need be, until the current epoch-aligned fixed window of {@code window} has at least {@code room}
     * left, so that a short burst of calls is decided in one window. The server runs on this machine, so its clock
     * is this one. Waits at most {@code room}, and most of the time not at all.
     */
    private static void awaitFixedWindowWithAtLeast(Duration window, Duration room) {
        long left = window.toMillis() - System.currentTimeMillis() % window.toMillis();
        if (left < room.toMillis()) {
            try {
                Thread.sleep(left + 50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The {@value #CALLS} counters of {@code limiter} by result; both must be exported. */
    private Map<String, Double> calls(String limiter) {
        PrometheusText metrics = scrape();
        Map<String, Double> counters = new HashMap<>();
        for (String result : List.of("permitted", "rejected")) {
            OptionalDouble value = metrics.value(CALLS, callLabels(limiter, result));
            assertThat(value).as("%s{limiter=%s,result=%s} in\n%s", CALLS, limiter, result, metrics.linesWith(CALLS))
                    .isPresent();
            counters.put(result, value.getAsDouble());
        }
        return counters;
    }

    private PrometheusText scrape() {
        HttpResponse<String> response = Http.get(metricsEndpoint());
        assertThat(response.statusCode()).as("GET %s", metricsEndpoint()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    private Map<String, JsonObject> status(String apiKey) {
        HttpResponse<String> response = call("GET", "api/status", apiKey, BodyPublishers.noBody());
        assertThat(response.statusCode()).as("status: %s", response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("RateLimit")).as("status is not limited").isEmpty();
        Map<String, JsonObject> quotas = new HashMap<>();
        for (JsonObject quota : json(response).getJsonArray("limits").getValuesAs(JsonObject.class)) {
            assertThat(quotas.put(quota.getString("limiter"), quota)).as("%s listed twice", quota).isNull();
        }
        return quotas;
    }

    private HttpResponse<String> login(String user, String password) {
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("user=" + user + "&password=" + password)));
    }

    private HttpResponse<String> search(String apiKey) {
        return call("GET", "api/search?q=tollgate", apiKey, BodyPublishers.noBody());
    }

    private HttpResponse<String> report(String apiKey, String subject) {
        return call("POST", "api/reports?subject=" + subject, apiKey, BodyPublishers.noBody());
    }

    private HttpResponse<String> export(String apiKey) {
        return call("GET", "api/export", apiKey, BodyPublishers.noBody());
    }

    private HttpResponse<String> call(String method, String path, String apiKey, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(Http.resolve(base, path)).method(method, body);
        if (apiKey != null) {
            request.header("X-Api-Key", apiKey);
        }
        return Http.send(request);
    }

    private static JsonObject json(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            JsonValue value = reader.readValue();
            assertThat(value.getValueType()).as("JSON body %s", response.body()).isEqualTo(JsonValue.ValueType.OBJECT);
            return value.asJsonObject();
        }
    }

    /** The Content-Type without parameters (RESTEasy may append a charset), lower case. */
    private static String mediaType(HttpResponse<?> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(java.util.Locale.ROOT);
    }
}
