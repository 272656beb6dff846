package dev.tollgate.example.it;

import static dev.tollgate.internal.redis.RateLimitKeys.limiterId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import dev.tollgate.example.it.probe.ExactResource;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.RedisForTestClass;
import dev.tollgate.example.it.support.TestArchives;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;

/**
 * Exactly N through a real Redis: the example WAR configured with {@code tollgate.redis.address} pointing at a
 * {@code redis-server} the test starts ({@link RedisForTestClass}), plus {@link ExactResource} (20 an hour, once
 * per algorithm). {@value #CALLERS} HTTP clients, released together, call one fresh partition: exactly
 * {@value ExactResource#LIMIT} are admitted and the rest get 429, with at most one script call per decision
 * (decisions that meet in flight share one). Then every key
 * Tollgate wrote expires, and the readiness check reports the Redis backend up. Each test stands on its own; the
 * order only makes the key check see the bursts' keys too.
 */
@ExtendWith({RedisForTestClass.class, ArquillianExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class AbstractRedisExactNIT {

    protected static final String ARCHIVE = "redis-exact.war";
    static final int CALLERS = 100;
    static final String KEY_START = "tollgate:{";

    /** Started by the deployment method, stopped by {@link RedisForTestClass} after the class. */
    static RedisProcess redis;

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    static WebArchive redisWar() {
        redis = RedisForTestClass.start();
        return TestArchives.withConfig(TestArchives.exampleWar(ARCHIVE),
                        // The default connection settings, under a burst of 100 simultaneous requests: an earlier
                        // default (1 retry every 100 ms) let a few calls fail to get a connection in time.
                        "tollgate.redis.address=" + redis.address())
                .addClass(ExactResource.class);
    }

    /** The server's MicroProfile Health readiness endpoint. */
    protected abstract URI readiness();

    @Test
    @Order(1)
    void fixedWindowAdmitsExactlyTheLimit() throws Exception {
        assertExactlyTheLimit("fixed");
    }

    @Test
    @Order(2)
    void slidingWindowAdmitsExactlyTheLimit() throws Exception {
        assertExactlyTheLimit("sliding");
    }

    @Test
    @Order(3)
    void tokenBucketAdmitsExactlyTheLimit() throws Exception {
        assertExactlyTheLimit("bucket");
    }

    @Test
    @Order(3)
    void gcraAdmitsExactlyTheLimit() throws Exception {
        assertExactlyTheLimit("gcra");
    }

    /**
     * {@value #CALLERS} simultaneous clients of a limit of {@value ExactResource#CONCURRENT} calls at once, each call
     * staying 3 s inside (longer than the burst takes to be decided): exactly that many are admitted, the method
     * never has more inside, and once they are done every permit is back (the limit's key is gone).
     */
    @Test
    @Order(3)
    void concurrencyAdmitsExactlyTheLimitAtOnceAndTakesEveryPermitBack() throws Exception {
        HttpResponse<String> warmUp = send("concurrency?holdMillis=0", "warm-up");
        assertThat(warmUp.statusCode()).as("warm-up call: %s", warmUp.body()).isEqualTo(200);
        try (RedisInspector inspector = redis.inspector()) {
            String round = "concurrency-" + UUID.randomUUID();
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            Map<Integer, Long> statuses = burst("concurrency?holdMillis=3000", round, problems);
            String most = send("concurrency/most?round=" + round, "-").body();
            System.out.println("concurrency: " + statuses + ", at most " + most + " inside at once");

            assertThat(statuses).as("%d simultaneous calls to a limit of %d at once: status -> count; other answers %s",
                    CALLERS, ExactResource.CONCURRENT, problems)
                    .containsOnly(entry(200, (long) ExactResource.CONCURRENT),
                            entry(429, (long) (CALLERS - ExactResource.CONCURRENT)));
            assertThat(most).isEqualTo(String.valueOf(ExactResource.CONCURRENT));
            assertThat(inspector.keys()).as("every permit given back")
                    .noneMatch(key -> key.endsWith("}" + limiterId(Algorithm.CONCURRENCY, "exact-concurrency")));
        }

        // A refusal while calls hold every permit: 429, a short Retry-After, the quota in calls at once. The holders
        // are let in first; should a probe slip in among them (a slow machine), a holder is refused and the
        // scenario starts again in a new round.
        ExecutorService holders = Executors.newFixedThreadPool(ExactResource.CONCURRENT);
        try {
            for (int attempt = 1; ; attempt++) {
                String round = "refusal-" + UUID.randomUUID();
                List<Future<HttpResponse<String>>> holding = new ArrayList<>();
                for (int i = 0; i < ExactResource.CONCURRENT; i++) {
                    holding.add(holders.submit(() -> send("concurrency?holdMillis=2000", round)));
                }
                Thread.sleep(500);
                HttpResponse<String> refused = send("concurrency?holdMillis=0", round);
                boolean allHeld = true;
                for (Future<HttpResponse<String>> call : holding) {
                    allHeld &= call.get(60, TimeUnit.SECONDS).statusCode() == 200;
                }
                if (!allHeld && attempt < 5) {
                    continue;
                }
                assertThat(allHeld).as("every holder admitted").isTrue();
                assertThat(refused.statusCode()).isEqualTo(429);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(refused.headers().firstValue("RateLimit-Policy"))
                        .hasValue("\"exact-concurrency\";q=" + ExactResource.CONCURRENT
                                + ";qu=\"concurrent-requests\"");
                assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"exact-concurrency\";r=0");
                HttpResponse<String> after = send("concurrency?holdMillis=0", round);
                assertThat(after.statusCode()).as("the permits are back once the calls ended").isEqualTo(200);
                assertThat(after.headers().firstValue("RateLimit"))
                        .hasValue("\"exact-concurrency\";r=" + (ExactResource.CONCURRENT - 1));
                return;
            }
        } finally {
            holders.shutdownNow();
        }
    }

    @Test
    @Order(4)
    void everyKeyExpires() {
        for (String algorithm : List.of("fixed", "sliding", "bucket", "gcra")) {
            assertThat(call(algorithm, "expiry").statusCode()).isEqualTo(200);
        }

        try (RedisInspector inspector = redis.inspector()) {
            List<String> keys = inspector.keys();
            System.out.println("Redis keys after the calls: " + keys);
            assertThat(keys).as("Tollgate's keys (limits, and the rankings of refused partitions)")
                    .allMatch(key -> key.startsWith(KEY_START) || key.startsWith("tollgate:violations:{"))
                    .anyMatch(key -> key.matches(".*}" + limiterId(Algorithm.FIXED_WINDOW, "exact-fixed") + "[012]"))
                    .anyMatch(key -> key.endsWith("}" + limiterId(Algorithm.SLIDING_WINDOW, "exact-sliding")))
                    .anyMatch(key -> key.endsWith("}" + limiterId(Algorithm.TOKEN_BUCKET, "exact-bucket")))
                    .anyMatch(key -> key.endsWith("}" + limiterId(Algorithm.GCRA, "exact-gcra")));
            assertThat(keys).allSatisfy(key -> assertThat(inspector.pttl(key)).as("PTTL of %s", key).isPositive());
        }
    }

    @Test
    @Order(5)
    protected void readinessReportsTheRedisBackendUp() {
        HttpResponse<String> response = Http.get(readiness());
        System.out.println("Readiness with Redis: " + readiness() + " -> " + response.statusCode() + " "
                + response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(check(response.body(), "tollgate-redis"))
                .containsPattern("\"status\"\\s*:\\s*\"UP\"")
                .containsPattern("\"backend\"\\s*:\\s*\"redis\"");
    }

    private void assertExactlyTheLimit(String algorithm) throws Exception {
        // The first call of a deployment connects Redisson, and the first script call of a Redis loads the script
        // (NOSCRIPT, then EVAL): both happen here, on a partition of their own, before the statistics are reset.
        HttpResponse<String> warmUp = call(algorithm, "warm-up");
        assertThat(warmUp.statusCode()).as("warm-up call: %s", warmUp.body()).isEqualTo(200);

        try (RedisInspector inspector = redis.inspector()) {
            if (algorithm.equals("fixed")) {
                awaitHourNotEnding(inspector);
            }
            // The refusals' flush to the violation ranking (once a second) runs a script of its own, whose first run
            // on a server meets NOSCRIPT too: loaded here, so that an EVAL below can only be rate_limit.lua's.
            inspector.call("SCRIPT", "LOAD", violationsScript());
            inspector.call("CONFIG", "RESETSTAT");
            List<String> problems = Collections.synchronizedList(new ArrayList<>());

            Map<Integer, Long> statuses = burst(algorithm, algorithm + "-" + UUID.randomUUID(), problems);
            Map<String, Long> calls = inspector.commandCalls();
            System.out.println(algorithm + ": " + statuses + ", Redis commands " + calls);

            assertThat(statuses).as("%d simultaneous calls to a %s limit of %d: status -> count; other answers %s",
                    CALLERS, algorithm, ExactResource.LIMIT, problems)
                    .containsOnly(entry(200, (long) ExactResource.LIMIT),
                            entry(429, (long) (CALLERS - ExactResource.LIMIT)));
            assertThat(calls.getOrDefault("evalsha", 0L))
                    .as("EVALSHA calls, at most one per decision; all commands %s", calls)
                    .isBetween(1L, (long) CALLERS);
            assertThat(calls.getOrDefault("eval", 0L)).as("EVAL calls (after NOSCRIPT only); all commands %s", calls)
                    .isLessThanOrEqualTo(1);
        }
    }

    private static String violationsScript() {
        try (var in = AbstractRedisExactNIT.class.getResourceAsStream("/dev/tollgate/internal/redis/violations_add.lua")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("violations_add.lua is not on the test class path", e);
        }
    }

    private HttpResponse<String> call(String algorithm, String round) {
        return send(algorithm, round);
    }

    private HttpResponse<String> send(String path, String round) {
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/exact/" + path))
                .header(ExactResource.ROUND_HEADER, round).GET());
    }

    /**
     * {@value #CALLERS} threads, each sending one request once all are ready (a barrier), to one partition.
     * Returns how many answers had each status; -1 counts calls that got no answer (described in {@code problems}).
     */
    private Map<Integer, Long> burst(String algorithm, String round, List<String> problems)
            throws InterruptedException {
        URI uri = Http.resolve(base, "api/exact/" + algorithm); // an algorithm's path, with its query if any
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        CyclicBarrier start = new CyclicBarrier(CALLERS);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<Integer>> answers = new ArrayList<>(CALLERS);
            for (int i = 0; i < CALLERS; i++) {
                answers.add(callers.submit(() -> {
                    HttpRequest request = HttpRequest.newBuilder(uri)
                            .header(ExactResource.ROUND_HEADER, round)
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build();
                    start.await(60, TimeUnit.SECONDS);
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200 && response.statusCode() != 429) {
                        problems.add(response.statusCode() + " " + response.body());
                    }
                    return response.statusCode();
                }));
            }
            Map<Integer, Long> statuses = new TreeMap<>();
            for (Future<Integer> answer : answers) {
                int status;
                try {
                    status = answer.get(120, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    status = -1;
                    problems.add(String.valueOf(e instanceof ExecutionException ? e.getCause() : e));
                }
                statuses.merge(status, 1L, Long::sum);
            }
            return statuses;
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * Fixed windows of an hour start on the hour (Redis's clock): a burst that straddled one would meet two
     * windows. With less than a minute of this one left, waits for the next.
     */
    private static void awaitHourNotEnding(RedisInspector inspector) throws InterruptedException {
        List<?> time = (List<?>) inspector.call("TIME");
        long left = 3600 - Long.parseLong((String) time.get(0)) % 3600;
        if (left < 60) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(left + 1));
        }
    }

    /** The JSON object of the named check in a MicroProfile Health response (compact or pretty-printed). */
    static String check(String health, String name) {
        Matcher named = Pattern.compile("\"name\"\\s*:\\s*\"" + Pattern.quote(name) + "\"").matcher(health);
        assertThat(named.find()).as("check %s in %s", name, health).isTrue();
        int open = -1;
        for (int i = named.start(), depth = 0; i >= 0 && open < 0; i--) {
            char c = health.charAt(i);
            if (c == '}') {
                depth++;
            } else if (c == '{' && depth-- == 0) {
                open = i;
            }
        }
        for (int i = open, depth = 0; open >= 0 && i < health.length(); i++) {
            char c = health.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return health.substring(open, i + 1);
            }
        }
        throw new AssertionError("Not a JSON object around " + name + ": " + health);
    }
}
