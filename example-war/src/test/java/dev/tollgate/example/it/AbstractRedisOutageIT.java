package dev.tollgate.example.it;

import static dev.tollgate.example.it.probe.OutageProbeResource.ALLOW_LIMIT;
import static dev.tollgate.example.it.probe.OutageProbeResource.LIMIT;
import static dev.tollgate.example.it.probe.OutageProbeResource.LOCAL_LIMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.fail;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.example.it.probe.OutageProbeResource;
import dev.tollgate.example.it.probe.OutageRuns;
import dev.tollgate.example.it.support.Burst;
import dev.tollgate.example.it.support.Burst.Answer;
import dev.tollgate.example.it.support.Burst.Answers;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.PrometheusText;
import dev.tollgate.example.it.support.RedisForTestClass;
import dev.tollgate.example.it.support.TestArchives;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.redis.RedisRateLimitBackend;
import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * What the failure modes do when Redis fails, on a real server and a real {@code redis-server} that the tests kill
 * ({@code SIGKILL}), restart empty on the same port, and freeze ({@code SIGSTOP}) while the server is under load.
 * The deployment ({@link OutageProbeResource}) has one endpoint per failure mode, a short command timeout
 * ({@value #COMMAND_TIMEOUT_MILLIS} ms), a cool-off of {@value #OPEN_FOR_MILLIS} ms, and
 * {@code tollgate.ratelimit.local-share=}{@value OutageProbeResource#LOCAL_SHARE}.
 *
 * <p>Nothing here is timed: the tests count answers, method runs, Redis commands and states, and every wait is a
 * bounded poll ({@link #AWAIT}). The cool-off only has to be longer than what the recovery test does between the
 * breaker opening and its check that the revived Redis got no script call (a handful of local calls and a restart).
 *
 * <p>Each test starts by waiting until the breaker is closed (Redis up), and leaves Redis running (restarted or
 * thawed), so each stands on its own and uses limiters of its own. The order only spares waiting: the recovery test
 * ends with the breaker closed, so the frozen test does not wait; the frozen test leaves it open, so the killed test
 * waits one cool-off.
 */
@ExtendWith({RedisForTestClass.class, ArquillianExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class AbstractRedisOutageIT {

    protected static final String ARCHIVE = "redis-outage.war";
    static final int COMMAND_TIMEOUT_MILLIS = 300;
    static final long OPEN_FOR_MILLIS = 10_000;
    /** The longest any poll waits: several cool-offs, in case a probe comes before Redisson has reconnected. */
    static final Duration AWAIT = Duration.ofSeconds(90);
    static final String PROBLEM_JSON = "application/problem+json";
    static final String PROBE = "api/probe/outage/";
    static final String CHECK = "tollgate-redis";

    /** Started by the deployment method, stopped by {@link RedisForTestClass} after the class. */
    static RedisProcess redis;

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    static WebArchive outageWar() {
        redis = RedisForTestClass.start();
        return TestArchives.withConfig(TestArchives.exampleWar(ARCHIVE),
                        "tollgate.redis.address=" + redis.address(),
                        "tollgate.redis.command-timeout=" + COMMAND_TIMEOUT_MILLIS,
                        "tollgate.redis.breaker.open-for=" + OPEN_FOR_MILLIS,
                        "tollgate.ratelimit.local-share=" + OutageProbeResource.LOCAL_SHARE,
                        OutageProbeResource.REJECT_BY_CONFIG + "=REJECT")
                .addClasses(OutageProbeResource.class, OutageRuns.class);
    }

    /** Of 48 simultaneous calls to a {@code LOCAL} limit, exactly its local share got 200 and the rest 429. */
    private static void assertLocalShareAdmitted(Answers answers, String path) {
        assertThat(answers.statuses(path))
                .as("48 simultaneous calls to a LOCAL limit of %d (%s here): status -> count; answers %s", LIMIT,
                        LOCAL_LIMIT, answers.to(path))
                .containsOnly(entry(200, (long) LOCAL_LIMIT), entry(429, 48L - LOCAL_LIMIT));
    }

    /** The server's MicroProfile Health readiness endpoint. */
    protected abstract URI readinessEndpoint();

    /** Where the server serves metrics as Prometheus text. */
    protected abstract URI metricsEndpoint();

    /** Labels the server adds to every meter of the deployment. */
    protected abstract Map<String, String> deploymentLabels();

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Redis dies: the breaker opens after the first failed calls, {@code LOCAL} decides on this instance. Redis comes
     * back empty while the breaker is open: no call reaches it (no {@code EVALSHA}, not even readiness's
     * {@code EXISTS}) until the cool-off ends; then one probe closes the breaker, decisions are Redis's again (a
     * partition used up locally is admitted, with the shared limit's remaining count), and shared with other
     * instances.
     */
    @Test
    @Order(1)
    void anOpenBreakerKeepsCallsOffARevivedRedisUntilOneProbeAfterTheCoolOffBringsDecisionsBack() throws Exception {
        awaitBreakerClosed();
        String usedUp = "used-up-" + UUID.randomUUID();
        redis.kill();
        long killed = System.nanoTime();
        boolean running = false;
        try {
            Map<Integer, Long> outage = sequentially(LOCAL_LIMIT + 5, () -> round(usedUp));
            System.out.println("Redis killed, " + (LOCAL_LIMIT + 5) + " calls one after another: " + outage);
            assertThat(outage).as("status -> count, decided locally").containsOnly(
                    entry(200, (long) LOCAL_LIMIT), entry(429, 5L));

            Readiness opened = readiness();
            System.out.println("Readiness with Redis killed: " + opened);
            opened.assertServing("OPEN");

            redis.restart();
            running = true;
            try (RedisInspector inspector = redis.inspector()) {
                // Within the cool-off (it began a few local calls ago): every decision is still this instance's.
                assertThat(round(usedUp).statusCode()).as("the partition used up locally").isEqualTo(429);
                String fresh = "fresh-" + UUID.randomUUID();
                assertThat(sequentially(5, () -> round(fresh))).containsOnly(entry(200, 5L));
                assertUnavailable(Http.get(base, PROBE + "reject"), "REJECT during the cool-off");
                Readiness coolOff = readiness();
                Map<String, Long> untouched = inspector.commandCalls();
                // Not asserted, only reported: at most this much of the cool-off (which began after the kill) has
                // passed, on this machine.
                String elapsed = millisSince(killed) + " ms after Redis was killed (cool-off " + OPEN_FOR_MILLIS
                        + " ms)";
                System.out.println("Readiness with Redis back, " + elapsed + ": " + coolOff);
                System.out.println("Commands the revived Redis got, " + elapsed + ": " + untouched);
                coolOff.assertServing("OPEN");
                assertThat(untouched).as("commands the revived Redis got while the breaker was open, %s", elapsed)
                        .doesNotContainKeys("evalsha", "eval", "exists");

                // After the cool-off, the next call probes Redis and closes the breaker: the partition used up
                // locally is admitted again, by Redis (which has not seen it), with the shared limit's count.
                HttpResponse<String> back = awaitRound(usedUp, 200);
                assertThat(back.headers().firstValue("X-RateLimit-Remaining"))
                        .as("remaining of the shared limit, decided by Redis").contains(String.valueOf(LIMIT - 1));
                Readiness closed = readiness();
                System.out.println("Readiness after the probe: " + closed);
                closed.assertUp("CLOSED");
                assertThat(closed.data()).doesNotContainKeys("failure-modes", "error");
                Map<String, Long> after = inspector.commandCalls();
                System.out.println("Commands the revived Redis got after the cool-off: " + after);
                assertThat(after.getOrDefault("evalsha", 0L)).as("EVALSHA calls after the cool-off; all %s", after)
                        .isPositive();
            }

            // Shared again: this server's decisions and another instance's (a backend in this JVM) meet in Redis.
            assertThat(Http.get(base, PROBE + "shared").statusCode()).isEqualTo(200);
            LimitRequest shared = new LimitRequest(OutageProbeResource.SHARED_LIMITER, "",
                    LimitPolicy.window(Algorithm.SLIDING_WINDOW, LIMIT, OutageProbeResource.WINDOW_MILLIS), 1);
            int permitted = 0;
            try (RedisRateLimitBackend otherInstance =
                         RedisRateLimitBackend.connect(RedisSettings.forAddress(redis.address()))) {
                while (permitted <= LIMIT && otherInstance.acquire(List.of(shared)).permitted()) {
                    permitted++;
                }
            }
            assertThat(permitted).as("permits another instance got after this server took one").isEqualTo(LIMIT - 1);
            assertThat(Http.get(base, PROBE + "shared").statusCode()).as("after the other instance used the rest")
                    .isEqualTo(429);
        } finally {
            if (!running) {
                redis.restart();
            }
        }
    }

    /**
     * Redis freezes under a burst: the calls that were waiting for it time out (bounded), then the breaker opens;
     * no caller of a {@code LOCAL} limit gets a 5xx and this instance admits exactly its share of the limit;
     * {@code REJECT} answers 503 and an idempotent method with {@code REJECT} does not run.
     */
    @Test
    @Order(2)
    void whileRedisIsFrozenLocalLimitsAdmitExactlyTheirShareAndRejectModesAnswer503() throws Exception {
        awaitBreakerClosed();
        int rejectRuns = runs("reject");
        List<HttpRequest> requests = new ArrayList<>();
        requests.addAll(Collections.nCopies(48, Burst.get(Http.resolve(base, PROBE + "local/frozen"))));
        requests.addAll(Collections.nCopies(8, Burst.get(Http.resolve(base, PROBE + "reject"))));
        for (int i = 0; i < 8; i++) {
            requests.add(idempotent("reject", UUID.randomUUID().toString()));
        }

        redis.freeze();
        try {
            Answers answers = Burst.send(requests);
            printStatuses("Redis frozen", answers);

            assertLocalShareAdmitted(answers, "/outage/local/frozen");
            answers.to("/outage/reject").forEach(answer -> assertUnavailable(answer, "REJECT limit"));
            answers.to("/outage/idempotent/reject").forEach(answer -> assertUnavailable(answer, "@Idempotent REJECT"));
            assertThat(runs("reject")).as("runs of the @Idempotent REJECT method").isEqualTo(rejectRuns);

            Readiness frozen = readiness();
            System.out.println("Readiness with Redis frozen: " + frozen);
            frozen.assertServing("OPEN");
        } finally {
            redis.thaw();
        }
    }

    /**
     * Redis is killed under a burst of calls to every failure mode: {@code LOCAL} admits exactly its share with no
     * 5xx, {@code ALLOW} (its limit used up in Redis before) refuses none, {@code REJECT} (by annotation and by
     * configuration) answers 503 with {@code Retry-After} and a problem, {@code @Idempotent} {@code REJECT} answers
     * 503 and does not run, {@code EXECUTE} runs every call, even those with one key. Readiness stays up and says so;
     * metrics count each fallback and show the breaker open.
     */
    @Test
    @Order(3)
    void whileRedisIsKilledEveryFailureModeDoesWhatItSays() throws Exception {
        awaitBreakerClosed();
        for (int i = 0; i < ALLOW_LIMIT; i++) {
            assertThat(Http.get(base, PROBE + "allow").statusCode()).as("ALLOW call %d with Redis", i).isEqualTo(200);
        }
        assertThat(Http.get(base, PROBE + "allow").statusCode()).as("ALLOW beyond its limit, with Redis")
                .isEqualTo(429);
        int rejectRuns = runs("reject");
        int executeRuns = runs("execute");
        PrometheusText before = scrape();

        String executeKey = UUID.randomUUID().toString();
        List<HttpRequest> requests = new ArrayList<>();
        requests.addAll(Collections.nCopies(48, Burst.get(Http.resolve(base, PROBE + "local/killed"))));
        requests.addAll(Collections.nCopies(24, Burst.get(Http.resolve(base, PROBE + "allow"))));
        requests.addAll(Collections.nCopies(8, Burst.get(Http.resolve(base, PROBE + "reject"))));
        requests.addAll(Collections.nCopies(8, Burst.get(Http.resolve(base, PROBE + "reject-by-config"))));
        for (int i = 0; i < 8; i++) {
            requests.add(idempotent("reject", UUID.randomUUID().toString()));
        }
        requests.addAll(Collections.nCopies(16, idempotent("execute", executeKey)));

        redis.kill();
        try {
            Answers answers = Burst.send(requests);
            printStatuses("Redis killed", answers);

            assertLocalShareAdmitted(answers, "/outage/local/killed");
            assertThat(answers.statuses("/outage/allow")).as("ALLOW, used up in Redis before; answers %s",
                    answers.to("/outage/allow")).containsOnly(entry(200, 24L));
            answers.to("/outage/reject").forEach(answer -> assertUnavailable(answer, "REJECT limit"));
            answers.to("/outage/reject-by-config")
                    .forEach(answer -> assertUnavailable(answer, "REJECT by configuration"));
            answers.to("/outage/idempotent/reject").forEach(answer -> assertUnavailable(answer, "@Idempotent REJECT"));
            assertThat(runs("reject")).as("runs of the @Idempotent REJECT method").isEqualTo(rejectRuns);
            assertThat(answers.statuses("/outage/idempotent/execute"))
                    .as("@Idempotent EXECUTE, one key; answers %s", answers.to("/outage/idempotent/execute"))
                    .containsOnly(entry(200, 16L));
            assertThat(runs("execute")).as("runs of the @Idempotent EXECUTE method").isEqualTo(executeRuns + 16);

            Readiness killed = readiness();
            System.out.println("Readiness with Redis killed: " + killed);
            killed.assertServing("OPEN");

            PrometheusText after = scrape();
            String fallbacks = "tollgate_ratelimit_fallbacks_total";
            String idempotencyFallbacks = "tollgate_idempotency_fallbacks_total";
            System.out.println("Metrics with Redis killed:\n" + after.linesWith("tollgate_backend")
                    + after.linesWith("fallbacks"));
            Map<String, Double> increase = new TreeMap<>();
            increase.put("ratelimit local", increase(before, after, fallbacks, "mode", "local"));
            increase.put("ratelimit allow", increase(before, after, fallbacks, "mode", "allow"));
            increase.put("ratelimit reject", increase(before, after, fallbacks, "mode", "reject"));
            increase.put("idempotency reject", increase(before, after, idempotencyFallbacks, "mode", "reject"));
            increase.put("idempotency execute", increase(before, after, idempotencyFallbacks, "mode", "execute"));
            assertThat(increase).as("fallbacks counted during the burst, by guard and mode").containsOnly(
                    entry("ratelimit local", 48.0), entry("ratelimit allow", 24.0), entry("ratelimit reject", 16.0),
                    entry("idempotency reject", 8.0), entry("idempotency execute", 16.0));
            assertThat(value(after, "tollgate_backend_breaker_state", "backend", "redis"))
                    .as("breaker state gauge (1 = open)").isEqualTo(1.0);
            assertThat(increase(before, after, "tollgate_backend_failures_total", "backend", "redis"))
                    .as("backend failures counted").isPositive();
        } finally {
            redis.restart();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    /** The {@code tollgate-redis} readiness check, as the server reports it. */
    record Readiness(int httpStatus, String status, String checkStatus, JsonObject data, String body) {

        String breaker() {
            return data.getString("breaker", null);
        }

        /** Up although Redis does not answer, because this deployment's failure modes serve calls. */
        void assertServing(String breaker) {
            assertUp(breaker);
            assertThat(data.getString("failure-modes", null)).as("failure-modes in %s", body).isEqualTo("serving");
            assertThat(data).as("data of %s", body).containsKey("error");
        }

        void assertUp(String breaker) {
            assertThat(httpStatus).as("HTTP status of %s", body).isEqualTo(200);
            assertThat(status).as("overall status of %s", body).isEqualTo("UP");
            assertThat(checkStatus).as("status of %s in %s", CHECK, body).isEqualTo("UP");
            assertThat(data.getString("backend", null)).as("backend in %s", body).isEqualTo("redis");
            assertThat(breaker()).as("breaker in %s", body).isEqualTo(breaker);
        }

        @Override
        public String toString() {
            return httpStatus + " " + body;
        }
    }

    private Readiness readiness() {
        HttpResponse<String> response = Http.get(readinessEndpoint());
        JsonObject health = Json.createReader(new StringReader(response.body())).readObject();
        List<JsonObject> checks = health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(check -> check.getString("name").equals(CHECK))
                .toList();
        assertThat(checks).as("%s checks in %s", CHECK, response.body()).hasSize(1);
        JsonObject check = checks.get(0);
        JsonObject data = check.containsKey("data") && check.get("data").getValueType() == JsonValue.ValueType.OBJECT
                ? check.getJsonObject("data") : JsonValue.EMPTY_JSON_OBJECT;
        return new Readiness(response.statusCode(), health.getString("status"), check.getString("status"), data,
                response.body());
    }

    /**
     * Polls readiness until Redis answers and the breaker is closed: right away when it is, else after the cool-off
     * (the readiness check's own ping is then the probe), or a few cool-offs if Redisson has not reconnected yet.
     */
    private void awaitBreakerClosed() throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        Readiness last = readiness();
        while (!(last.httpStatus() == 200 && "CLOSED".equals(last.breaker()) && !last.data().containsKey("error"))) {
            if (System.nanoTime() > deadline) {
                fail("The breaker did not close within " + AWAIT + " of Redis being up; readiness: " + last);
            }
            Thread.sleep(200);
            last = readiness();
        }
    }

    /**
     * Calls the {@code local/round} limiter on {@code partition} until it answers {@code status} (bounded); any answer
     * but 429 or that status fails.
     */
    private HttpResponse<String> awaitRound(String partition, int status) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        List<Integer> seen = new ArrayList<>();
        while (true) {
            HttpResponse<String> response = round(partition);
            if (response.statusCode() == status) {
                System.out.println("Answered " + status + " after " + seen.size() + " calls answered " + seen.stream()
                        .distinct().toList());
                return response;
            }
            assertThat(response.statusCode()).as("while waiting for %d: %s", status, response.body()).isEqualTo(429);
            seen.add(response.statusCode());
            if (System.nanoTime() > deadline) {
                fail("No " + status + " within " + AWAIT + " (" + seen.size() + " calls); readiness: " + readiness());
            }
            Thread.sleep(200);
        }
    }

    private HttpResponse<String> round(String partition) {
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, PROBE + "local/round"))
                .header(OutageProbeResource.ROUND_HEADER, partition).GET());
    }

    private static long millisSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }

    private static Map<Integer, Long> sequentially(int calls, Supplier<HttpResponse<String>> call) {
        Map<Integer, Long> statuses = new TreeMap<>();
        for (int i = 0; i < calls; i++) {
            statuses.merge(call.get().statusCode(), 1L, Long::sum);
        }
        return statuses;
    }

    private HttpRequest idempotent(String mode, String key) {
        return HttpRequest.newBuilder(Http.resolve(base, PROBE + "idempotent/" + mode))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/plain")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("payload"))
                .build();
    }

    private int runs(String mode) {
        HttpResponse<String> response = Http.get(base, PROBE + "runs/" + mode);
        assertThat(response.statusCode()).as("runs of %s: %s", mode, response.body()).isEqualTo(200);
        return Integer.parseInt(response.body().trim());
    }

    private static void assertUnavailable(Answer answer, String what) {
        assertThat(answer.response()).as("%s: %s", what, answer).isNotNull();
        assertUnavailable(answer.response(), what);
    }

    /** 503 with {@code Retry-After} (1 s, or what is left of the cool-off) and an RFC 9457 problem saying 503. */
    private static void assertUnavailable(HttpResponse<String> response, String what) {
        assertThat(response.statusCode()).as("%s: %s", what, response.body()).isEqualTo(503);
        String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
        assertThat(retryAfter).as("%s: Retry-After", what).isNotNull().matches("[0-9]+");
        assertThat(Long.parseLong(retryAfter)).as("%s: Retry-After", what)
                .isBetween(1L, Duration.ofMillis(OPEN_FOR_MILLIS).toSeconds());
        assertThat(response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim())
                .as("%s: content type", what).isEqualTo(PROBLEM_JSON);
        JsonObject problem = Json.createReader(new StringReader(response.body())).readObject();
        assertThat(problem.getInt("status")).as("%s: problem %s", what, response.body()).isEqualTo(503);
    }

    private static void printStatuses(String situation, Answers answers) {
        Map<String, Map<Integer, Long>> byPath = new TreeMap<>();
        for (Answer answer : answers.all()) {
            byPath.computeIfAbsent(answer.path(), path -> new TreeMap<>()).merge(answer.status(), 1L, Long::sum);
        }
        System.out.println(situation + ", " + answers.all().size() + " simultaneous calls: " + byPath);
        answers.select(answer -> answer.response() == null).forEach(System.out::println);
    }

    private PrometheusText scrape() {
        HttpResponse<String> response = Http.get(metricsEndpoint());
        assertThat(response.statusCode()).as("GET %s", metricsEndpoint()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    private double value(PrometheusText metrics, String name, String tag, String tagValue) {
        Map<String, String> labels = new HashMap<>(deploymentLabels());
        labels.put(tag, tagValue);
        OptionalDouble value = metrics.value(name, labels);
        assertThat(value).as("%s%s in\n%s", name, labels, metrics.linesWith(name)).isPresent();
        return value.getAsDouble();
    }

    private double increase(PrometheusText before, PrometheusText after, String name, String tag, String tagValue) {
        return value(after, name, tag, tagValue) - value(before, name, tag, tagValue);
    }
}
