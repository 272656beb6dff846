package dev.tollgate.example.it;

import static dev.tollgate.internal.redis.RateLimitKeys.limiterId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.example.it.probe.ExactResource;
import dev.tollgate.example.it.probe.TakeoverProbeResource;
import dev.tollgate.example.it.support.Burst;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.RedisForTestClass;
import dev.tollgate.example.it.support.SecondInstance;
import dev.tollgate.example.it.support.SecondInstanceForTestClass;
import dev.tollgate.example.it.support.TestArchives;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;

/**
 * Two instances of one application on one Redis: instance A is Arquillian's deployment, instance B a second server of
 * the same kind that the test launches itself ({@link SecondInstance}) with the same WAR, so the same configuration,
 * pointing at the same {@code redis-server} ({@link RedisForTestClass}). Every test talks to both over HTTP:
 * <ul>
 *   <li>exactly N in total for every algorithm: {@value #CALLERS} simultaneous clients, half of them on each
 *       instance, on one fresh partition of a limit of {@value ExactResource#LIMIT} (for {@code CONCURRENCY},
 *       {@value ExactResource#CONCURRENT} at once). Each instance alone gets more callers than the limit, so counters
 *       that were not shared would admit up to twice the limit;</li>
 *   <li>a tier's limit is the total across both instances;</li>
 *   <li>a request answered by one instance is replayed by the other;</li>
 *   <li>a claim held by an instance that is killed (SIGKILL) is in progress (409) on the other until its lease of
 *       {@value #LEASE_MILLIS} ms runs out, and then the other instance runs the request. This test kills B, so it
 *       runs last.</li>
 * </ul>
 * Subclasses declare the {@code @Deployment} method, which calls {@link #twoInstances} with their server's launcher.
 */
@ExtendWith({RedisForTestClass.class, SecondInstanceForTestClass.class, ArquillianExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class AbstractTwoInstancesIT {

    protected static final String ARCHIVE = "two-instances.war";
    static final int CALLERS = 100;
    /** The test WAR's {@code tollgate.idempotency.lease}: renewed every third of it while a call runs. */
    static final long LEASE_MILLIS = 6000;
    private static final String TAKEOVER = "api/probe/takeover/";

    static RedisProcess redis;
    private static WebArchive war;
    private static Function<WebArchive, SecondInstance> launcher;
    static SecondInstance second;

    /** Instance A's context root. */
    @ArquillianResource
    protected URL base;

    /**
     * Starts Redis and builds the WAR (the example plus {@link ExactResource} and {@link TakeoverProbeResource}, with
     * Redis and a short idempotency lease configured) for Arquillian to deploy as instance A;
     * {@link #startSecondInstance()} then launches B on the same WAR with {@code secondInstanceLauncher}.
     */
    protected static WebArchive twoInstances(Function<WebArchive, SecondInstance> secondInstanceLauncher) {
        redis = RedisForTestClass.start();
        war = TestArchives.withConfig(TestArchives.exampleWar(ARCHIVE),
                        "tollgate.redis.address=" + redis.address(),
                        "tollgate.idempotency.lease=" + LEASE_MILLIS,
                        // A Redis call that times out would let each instance decide alone (LOCAL, the default): on a
                        // busy machine (load 30 on 2 cores, seen here) 1 s was not enough. A generous timeout, and a
                        // refusal (503, which fails the test visibly) rather than a local decision if it still happens.
                        "tollgate.redis.command-timeout=10000",
                        "tollgate.ratelimit.failureMode=REJECT")
                .addClasses(ExactResource.class, TakeoverProbeResource.class);
        launcher = secondInstanceLauncher;
        return war;
    }

    /**
     * Launches B once A is deployed, not while: two servers booting at once on a busy 2-core machine could take A past
     * Arquillian's startup timeout, while B's wait here is the test's own.
     */
    @BeforeAll
    static void startSecondInstance() throws InterruptedException {
        second = SecondInstanceForTestClass.start(() -> launcher.apply(war));
        Duration took = second.awaitDeployed(TAKEOVER + "runs", Duration.ofMinutes(5));
        System.out.println(second + " answered " + took.toMillis() + " ms after its launch");
        // the test talks to the process it will kill
        assertThat(Http.get(second.base(), TAKEOVER + "instance").body().trim())
                .isEqualTo(String.valueOf(second.pid()));
    }

    @Test
    @Order(1)
    void fixedWindowAdmitsExactlyTheLimitAcrossInstances() throws Exception {
        assertExactlyTheLimitAcrossInstances("fixed", ExactResource.LIMIT);
    }

    @Test
    @Order(2)
    void slidingWindowAdmitsExactlyTheLimitAcrossInstances() throws Exception {
        assertExactlyTheLimitAcrossInstances("sliding", ExactResource.LIMIT);
    }

    @Test
    @Order(3)
    void tokenBucketAdmitsExactlyTheLimitAcrossInstances() throws Exception {
        assertExactlyTheLimitAcrossInstances("bucket", ExactResource.LIMIT);
    }

    @Test
    @Order(4)
    void gcraAdmitsExactlyTheLimitAcrossInstances() throws Exception {
        assertExactlyTheLimitAcrossInstances("gcra", ExactResource.LIMIT);
    }

    /**
     * Each admitted call stays 5 s inside, longer than the burst takes to be decided, so the admitted calls of both
     * instances hold their permits together; once they are done, every permit is back.
     */
    @Test
    @Order(5)
    void concurrencyAdmitsExactlyTheLimitAtOnceAcrossInstances() throws Exception {
        assertExactlyTheLimitAcrossInstances("concurrency?holdMillis=5000", ExactResource.CONCURRENT);
        try (RedisInspector inspector = redis.inspector()) {
            assertThat(inspector.keys()).as("every permit given back, by both instances")
                    .noneMatch(key -> key.endsWith("}" + limiterId(Algorithm.CONCURRENCY, "exact-concurrency")));
        }
    }

    /**
     * The example's search takes its limit per minute from the caller's tier, which its {@code TierResolver} reads
     * from the API key: free (alice) 10, basic (bob) 60. Each caller sends more than its limit to each instance, all
     * at once, and gets exactly its tier's limit in total.
     */
    @Test
    @Order(6)
    void aTierLimitIsTheTotalAcrossInstances() throws Exception {
        Map<String, Integer> tiers = new LinkedHashMap<>();
        tiers.put("key-alice", 10);
        tiers.put("key-bob", 60);
        List<HttpRequest> requests = new ArrayList<>();
        for (Map.Entry<String, Integer> caller : tiers.entrySet()) {
            int calls = 2 * caller.getValue() + 10;
            for (int i = 0; i < calls; i++) {
                requests.add(Burst.get(Http.resolve(instance(i), "api/search?q=x"), "X-Api-Key", caller.getKey()));
            }
        }

        Burst.Answers answers = Burst.send(requests);

        for (Map.Entry<String, Integer> caller : tiers.entrySet()) {
            List<Burst.Answer> theirs = answers.select(answer ->
                    answer.request().headers().firstValue("X-Api-Key").orElseThrow().equals(caller.getKey()));
            int limit = caller.getValue();
            System.out.println("tier of " + caller.getKey() + " (" + limit + " a minute): " + perInstance(theirs));
            assertThat(Burst.Answers.statuses(theirs)).as("%s: status -> count; answers %s", caller.getKey(),
                            theirs.stream().filter(a -> a.status() != 200 && a.status() != 429).toList())
                    .containsOnly(entry(200, (long) limit), entry(429, (long) (theirs.size() - limit)));
            assertThat(theirs).allSatisfy(answer -> assertThat(answer.response().headers()
                    .firstValue("X-RateLimit-Limit")).as("the tier's limit").hasValue(String.valueOf(limit)));
        }
    }

    /** An order placed through one instance is replayed by the other, which does not place it again. */
    @Test
    @Order(7)
    void aRequestAnsweredByOneInstanceIsReplayedByTheOther() {
        for (URL[] pair : new URL[][] {{base, second.base()}, {second.base(), base}}) {
            URL first = pair[0];
            URL other = pair[1];
            String key = UUID.randomUUID().toString();
            String body = "{\"item\":\"lamp\",\"quantity\":3}";
            int firstBefore = orderCount(first);
            int otherBefore = orderCount(other);

            HttpResponse<String> answered = postOrder(first, key, body);
            HttpResponse<String> replayed = postOrder(other, key, body);

            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(201);
            assertThat(answered.headers().firstValue("Idempotent-Replayed")).isEmpty();
            assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(201);
            assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(replayed.body().getBytes(StandardCharsets.UTF_8))
                    .isEqualTo(answered.body().getBytes(StandardCharsets.UTF_8));
            assertThat(replayed.headers().firstValue("Location")).isPresent()
                    .isEqualTo(answered.headers().firstValue("Location"));
            assertThat(orderCount(first)).as("orders on the instance that answered").isEqualTo(firstBefore + 1);
            assertThat(orderCount(other)).as("orders on the instance that replayed").isEqualTo(otherBefore);
        }
    }

    /**
     * B starts an idempotent call and stays inside; while B lives (a second longer than a lease) A answers 409. B is killed
     * (SIGKILL): its claim is neither completed nor released, and nobody renews it. A keeps answering 409 until the
     * lease runs out, then runs the request itself, once; a retry is a replay of A's answer.
     */
    @Test
    @Order(8)
    void aKilledInstancesClaimRunsOutAndTheOtherInstanceRunsTheRequest() throws Exception {
        String key = UUID.randomUUID().toString();
        assertThat(post(second.base(), TAKEOVER + "hold").statusCode()).isEqualTo(204);
        HttpClient.newHttpClient().sendAsync(work(second.base(), key).build(), HttpResponse.BodyHandlers.discarding());
        awaitRuns(second.base(), 1);

        List<Integer> whileAlive = new ArrayList<>();
        long aliveMillis = LEASE_MILLIS + 1000;
        long aliveUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(aliveMillis);
        while (System.nanoTime() < aliveUntil) {
            whileAlive.add(Http.send(work(base, key)).statusCode());
            Thread.sleep(250);
        }
        assertThat(whileAlive).as("A's answers while B runs the call").isNotEmpty().containsOnly(409);

        second.kill();
        long killed = System.nanoTime();
        List<Integer> afterKill = new ArrayList<>();
        HttpResponse<String> taken = null;
        while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(60)) {
            taken = Http.send(work(base, key));
            if (taken.statusCode() != 409) {
                break;
            }
            afterKill.add(taken.statusCode());
            Thread.sleep(100);
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.println("takeover: A answered 409 " + whileAlive.size() + " times in "
                + aliveMillis + " ms while B held the claim, then " + afterKill.size()
                + " times after B was killed; A ran the request " + tookMillis + " ms after the kill (lease "
                + LEASE_MILLIS + " ms): " + taken.statusCode() + " " + taken.body());

        String instanceA = Http.get(base, TAKEOVER + "instance").body().trim();
        assertThat(afterKill).as("409s from A after B was killed, until the lease ran out").isNotEmpty();
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
        assertThat(taken.body()).isEqualTo("run 1 on instance " + instanceA + " of payload");
        assertThat(tookMillis).as("ms from the kill to the takeover").isLessThan(LEASE_MILLIS + 30_000);
        HttpResponse<String> retried = Http.send(work(base, key));
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(retried.body()).isEqualTo(taken.body());
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(runs(base)).as("runs on A").isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Even callers go to A, odd ones to B. */
    private URL instance(int caller) {
        return caller % 2 == 0 ? base : second.base();
    }

    private void assertExactlyTheLimitAcrossInstances(String path, int limit) throws Exception {
        // Each instance's first call connects its Redisson client (and loads the script): on a partition of its own.
        for (URL instance : List.of(base, second.base())) {
            HttpResponse<String> warmUp = Http.send(HttpRequest.newBuilder(Http.resolve(instance,
                    "api/exact/" + path.replaceFirst("holdMillis=\\d+", "holdMillis=0")))
                    .header(ExactResource.ROUND_HEADER, "warm-up").GET());
            assertThat(warmUp.statusCode()).as("warm-up call to %s: %s", instance, warmUp.body()).isEqualTo(200);
        }
        if (path.equals("fixed")) {
            awaitHourNotEnding();
        }
        String round = "two-" + UUID.randomUUID();
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            requests.add(Burst.get(Http.resolve(instance(i), "api/exact/" + path), ExactResource.ROUND_HEADER, round));
        }

        Burst.Answers answers = Burst.send(requests);

        System.out.println(path + ": " + perInstance(answers.all()));
        assertThat(Burst.Answers.statuses(answers.all()))
                .as("%d simultaneous calls, half to each instance, to a limit of %d: status -> count; answers %s",
                        CALLERS, limit, answers.select(a -> a.status() != 200 && a.status() != 429))
                .containsOnly(entry(200, (long) limit), entry(429, (long) (CALLERS - limit)));
    }

    /** "A {200=.., 429=..}, B {...}": the statuses each instance answered. */
    private String perInstance(List<Burst.Answer> answers) {
        int portA = Http.resolve(base, "").getPort();
        return "A " + Burst.Answers.statuses(answers.stream().filter(a -> a.request().uri().getPort() == portA)
                .toList()) + ", B " + Burst.Answers.statuses(answers.stream()
                .filter(a -> a.request().uri().getPort() != portA).toList());
    }

    /**
     * Fixed windows of an hour start on the hour (Redis's clock): a burst that straddled one would meet two windows.
     * With less than a minute of this one left, waits for the next.
     */
    private static void awaitHourNotEnding() throws InterruptedException {
        try (RedisInspector inspector = redis.inspector()) {
            List<?> time = (List<?>) inspector.call("TIME");
            long left = 3600 - Long.parseLong((String) time.get(0)) % 3600;
            if (left < 60) {
                Thread.sleep(TimeUnit.SECONDS.toMillis(left + 1));
            }
        }
    }

    private static HttpRequest.Builder work(URL instance, String key) {
        return HttpRequest.newBuilder(Http.resolve(instance, TAKEOVER + "work"))
                .timeout(Duration.ofMinutes(6))
                .header("Content-Type", "text/plain")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("payload"));
    }

    private static HttpResponse<String> post(URL instance, String path) {
        return Http.send(HttpRequest.newBuilder(Http.resolve(instance, path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static int runs(URL instance) {
        return Integer.parseInt(Http.get(instance, TAKEOVER + "runs").body().trim());
    }

    private static void awaitRuns(URL instance, int runs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (runs(instance) >= runs) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the call on " + instance + " did not start");
    }

    private static HttpResponse<String> postOrder(URL instance, String key, String body) {
        return Http.send(HttpRequest.newBuilder(Http.resolve(instance, "api/orders"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static int orderCount(URL instance) {
        String body = Http.get(instance, "api/orders/count").body();
        return Integer.parseInt(body.replaceAll("\\D", ""));
    }
}
