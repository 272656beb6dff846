package dev.tollgate.example.it;

import dev.tollgate.example.it.probe.IdempotencyProbeResource;
import dev.tollgate.example.it.probe.ReplayProbeResource;
import dev.tollgate.example.it.probe.RollbackProbe;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.RedisForTestClass;
import dev.tollgate.example.it.support.TestArchives;
import dev.tollgate.internal.idempotency.ClaimOutcome;
import dev.tollgate.internal.idempotency.Digests;
import dev.tollgate.internal.redis.RedisIdempotencyStore;
import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.testing.RedisProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Idempotent} over HTTP, through a real Redis ({@link RedisForTestClass}): the example's {@code POST /orders}
 * and {@code POST /messages}, plus test probes for a running duplicate and a rolled-back transaction. Each test
 * uses keys of its own.
 */
@ExtendWith({RedisForTestClass.class, ArquillianExtension.class})
public abstract class AbstractIdempotencyIT {

    protected static final String ARCHIVE = "idempotency.war";
    private static final String ORDER_SCOPE = "dev.tollgate.example.OrderResource/place";
    private static final String PROBLEM = "application/problem+json";

    static RedisProcess redis;

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    static WebArchive idempotencyWar() {
        redis = RedisForTestClass.start();
        return TestArchives.withConfig(TestArchives.exampleWar(ARCHIVE),
                        "tollgate.redis.address=" + redis.address(),
                        // short leases, so that a dead owner's claim runs out within the test
                        "tollgate.idempotency.lease=1500",
                        // a cap that one probe response exceeds
                        "tollgate.idempotency.max-response-bytes=65536")
                .addClasses(IdempotencyProbeResource.class, RollbackProbe.class, ReplayProbeResource.class,
                        ReplayProbeResource.Declined.class);
    }

    @Test
    void aRetriedOrderIsReplayedByteForByteAndPlacedOnce() {
        String key = UUID.randomUUID().toString();
        int before = orderCount();

        HttpResponse<String> first = postOrder(key, "{\"item\":\"book\",\"quantity\":2}");
        HttpResponse<String> second = postOrder(key, "{\"item\":\"book\",\"quantity\":2}");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(second.body().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(first.body().getBytes(StandardCharsets.UTF_8));
        assertThat(second.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"))
                .isPresent();
        assertThat(second.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
        assertThat(orderCount()).isEqualTo(before + 1);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422() {
        String key = UUID.randomUUID().toString();
        assertThat(postOrder(key, "{\"item\":\"book\"}").statusCode()).isEqualTo(201);

        HttpResponse<String> other = postOrder(key, "{\"item\":\"lamp\"}");

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM));
        assertThat(json(other.body()).getString("type")).endsWith("/idempotency-key-mismatch");
        assertThat(json(other.body()).getInt("status")).isEqualTo(422);
    }

    @Test
    void missingEmptyTooLongAndControlCharacterKeysAre400() {
        int before = orderCount();
        List<HttpResponse<String>> refused = new ArrayList<>();
        refused.add(Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/orders"))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"book\"}"))));
        refused.add(postOrder("\"\"", "{\"item\":\"book\"}"));
        refused.add(postOrder("k".repeat(256), "{\"item\":\"book\"}"));
        // a tab: the HTTP client refuses to send the other control characters (IdempotencyKeyHeaderTest covers them)
        refused.add(postOrder("tab\there", "{\"item\":\"book\"}"));

        for (HttpResponse<String> response : refused) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM));
            assertThat(json(response.body()).getString("type")).endsWith("/idempotency-key-invalid");
        }
        assertThat(refused.get(0).body()).contains("required");
        assertThat(refused.get(2).body()).contains("at most 255 characters, was 256");
        assertThat(orderCount()).isEqualTo(before);
        assertThat(postOrder("k".repeat(255), "{\"item\":\"book\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void aDuplicateOfARunningRequestIs409WithRetryAfter() throws Exception {
        String key = UUID.randomUUID().toString();
        post("api/probe/idempotency/gate/close", null, "");
        int runs = Integer.parseInt(Http.get(base, "api/probe/idempotency/slow/runs").body());
        CompletableFuture<HttpResponse<String>> first;
        try {
            first = HttpClient.newHttpClient().sendAsync(slow(key).build(), HttpResponse.BodyHandlers.ofString());
            awaitSlowRuns(runs + 1);

            HttpResponse<String> duplicate = Http.send(slow(key));

            assertThat(duplicate.statusCode()).as(duplicate.body()).isEqualTo(409);
            assertThat(duplicate.headers().firstValue("Retry-After")).contains("1");
            assertThat(json(duplicate.body()).getString("type")).endsWith("/idempotency-key-in-progress");
        } finally {
            post("api/probe/idempotency/gate/open", null, "");
        }
        HttpResponse<String> original = first.get(30, TimeUnit.SECONDS);
        assertThat(original.statusCode()).isEqualTo(200);
        HttpResponse<String> replay = Http.send(slow(key));
        assertThat(replay.body()).isEqualTo(original.body());
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(Integer.parseInt(Http.get(base, "api/probe/idempotency/slow/runs").body())).isEqualTo(runs + 1);
    }

    @Test
    void aHundredSimultaneousRequestsWithOneKeyPlaceOneOrder() throws Exception {
        String key = UUID.randomUUID().toString();
        int before = orderCount();
        int callers = 100;
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        Map<Integer, Integer> statuses = new HashMap<>();
        Set<String> bodies = new HashSet<>();
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return postOrder(key, "{\"item\":\"piano\"}");
                }));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                statuses.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 201) {
                    bodies.add(response.body());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("100 requests with one key: " + statuses);

        assertThat(orderCount()).as("orders placed").isEqualTo(before + 1);
        assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(201, 409);
        assertThat(bodies).as("distinct 201 bodies").hasSize(1);
        assertThat(postOrder(key, "{\"item\":\"piano\"}").body()).isEqualTo(bodies.iterator().next());
    }

    @Test
    void aDeadOwnersClaimRunsOutAndARetryGoesAhead() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = "{\"item\":\"chair\"}";
        String path = Http.resolve(base, "api/orders").getPath();
        String scopedKey = Digests.scopedKey(ORDER_SCOPE, "", key);
        String fingerprint = requestFingerprint("POST", path, body);
        int before = orderCount();
        try (RedisIdempotencyStore deadInstance = RedisIdempotencyStore.connect(RedisSettings.forAddress(
                redis.address()))) {
            // Another instance claimed the key and died: nobody renews its 1.5 s lease.
            assertThat(deadInstance.claim(scopedKey, fingerprint, "dead-owner", 1500).state())
                    .isEqualTo(ClaimOutcome.State.CLAIMED);

            HttpResponse<String> meanwhile = postOrder(key, body);
            assertThat(meanwhile.statusCode()).as(meanwhile.body()).isEqualTo(409);

            HttpResponse<String> retried = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                retried = postOrder(key, body);
                if (retried.statusCode() != 409) {
                    break;
                }
                Thread.sleep(250);
            }
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
            assertThat(orderCount()).isEqualTo(before + 1);
            // The dead owner, were it to come back, can neither overwrite nor delete the new record.
            assertThat(deadInstance.complete(scopedKey, "dead-owner", new byte[] {1}, 60_000)).isFalse();
            assertThat(deadInstance.release(scopedKey, "dead-owner")).isFalse();
        }
        assertThat(postOrder(key, body).headers().firstValue("Idempotent-Replayed")).contains("true");
    }

    @Test
    void aRolledBackTransactionReleasesTheKey() {
        String key = UUID.randomUUID().toString();
        int before = rollbackRuns();

        HttpResponse<String> rolledBack = post("api/probe/idempotency/rollback?rollback=true&key=" + key, null, "");
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        HttpResponse<String> committed = post("api/probe/idempotency/rollback?rollback=false&key=" + key, null, "");
        HttpResponse<String> replayed = post("api/probe/idempotency/rollback?rollback=false&key=" + key, null, "");

        assertThat(rollbackRuns()).as("runs: the rolled back one, then the committed one, then none")
                .isEqualTo(before + 2);
        assertThat(replayed.body()).isEqualTo(committed.body());
    }

    @Test
    void theSameMessageIsSentOnceAndItsDeliveryReturnedAgain() {
        String text = "hello " + UUID.randomUUID();
        long before = json(Http.get(base, "api/messages/sent").body()).getJsonNumber("sent").longValue();

        HttpResponse<String> first = post("api/messages", "application/json", "{\"chat\":\"42\",\"text\":\"" + text
                + "\"}");
        HttpResponse<String> again = post("api/messages", "application/json", "{\"chat\":\"42\",\"text\":\"" + text
                + "\"}");
        HttpResponse<String> other = post("api/messages", "application/json", "{\"chat\":\"43\",\"text\":\"" + text
                + "\"}");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(json(again.body()).getString("messageId")).isEqualTo(json(first.body()).getString("messageId"));
        assertThat(json(other.body()).getString("messageId")).isNotEqualTo(json(first.body()).getString("messageId"));
        assertThat(json(Http.get(base, "api/messages/sent").body()).getJsonNumber("sent").longValue())
                .isEqualTo(before + 2);
    }

    @Test
    void onlyAllowListedHeadersAreReplayedAndNeverCookies() {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = postWithKey("api/probe/replay/headers", key);
        HttpResponse<String> replay = postWithKey("api/probe/replay/headers", key);

        assertThat(first.headers().firstValue("Set-Cookie")).isPresent();
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag")).isPresent();
        assertThat(replay.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(replay.headers().firstValue("X-Internal")).isEmpty();
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
    }

    @Test
    void aResponseOverTheCapIsSentOnceAndNeverRunsAgain() {
        String key = UUID.randomUUID().toString();
        int before = replayRuns();

        HttpResponse<String> first = postWithKey("api/probe/replay/big?size=70000", key);
        HttpResponse<String> again = postWithKey("api/probe/replay/big?size=70000", key);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).hasSize(70000);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again.body()).getString("type")).endsWith("/idempotent-response-not-stored");
        assertThat(json(again.body()).getString("detail")).contains("70000 bytes");
        assertThat(replayRuns()).isEqualTo(before + 1);
        HttpResponse<String> small = postWithKey("api/probe/replay/big?size=60000", UUID.randomUUID().toString());
        assertThat(small.body()).hasSize(60000);
    }

    @Test
    void aStoredFailureIsReplayedAndAnotherFailureReleasesTheKey() {
        String declinedKey = UUID.randomUUID().toString();
        String brokenKey = UUID.randomUUID().toString();
        int before = replayRuns();

        HttpResponse<String> declined = postWithKey("api/probe/replay/declined", declinedKey);
        HttpResponse<String> declinedAgain = postWithKey("api/probe/replay/declined", declinedKey);
        assertThat(declined.statusCode()).isEqualTo(402);
        assertThat(declinedAgain.statusCode()).isEqualTo(402);
        assertThat(declinedAgain.body()).isEqualTo(declined.body());
        assertThat(declinedAgain.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(replayRuns()).isEqualTo(before + 1);

        assertThat(postWithKey("api/probe/replay/broken", brokenKey).statusCode()).isEqualTo(500);
        assertThat(postWithKey("api/probe/replay/broken", brokenKey).statusCode()).isEqualTo(500);
        assertThat(replayRuns()).as("a failure that is not stored runs again").isEqualTo(before + 3);
    }

    @Test
    void withoutARequiredKeyIdenticalRequestsRunOnce() {
        String body = "keyless " + UUID.randomUUID();
        int before = replayRuns();

        HttpResponse<String> first = post("api/probe/replay/keyless", "text/plain", body);
        HttpResponse<String> again = post("api/probe/replay/keyless", "text/plain", body);
        HttpResponse<String> other = post("api/probe/replay/keyless", "text/plain", body + " changed");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(other.body()).isNotEqualTo(first.body());
        assertThat(replayRuns()).isEqualTo(before + 2);
    }

    private HttpResponse<String> postWithKey(String path, String key) {
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, path))
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private int replayRuns() {
        return Integer.parseInt(Http.get(base, "api/probe/replay/runs").body().trim());
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * HTTP/1.1: keys with control characters are sent as they are, and an HTTP/2 server resets the stream (which the
     * client then reports for the connection's other requests too) rather than letting the application answer.
     */
    private HttpResponse<String> postOrder(String key, String body) {
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/orders"))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder slow(String key) {
        return HttpRequest.newBuilder(Http.resolve(base, "api/probe/idempotency/slow"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/plain")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("payload"));
    }

    private HttpResponse<String> post(String path, String type, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(Http.resolve(base, path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return Http.send(request);
    }

    private int orderCount() {
        return json(Http.get(base, "api/orders/count").body()).getInt("orders");
    }

    private int rollbackRuns() {
        return Integer.parseInt(Http.get(base, "api/probe/idempotency/rollback/runs").body().trim());
    }

    private void awaitSlowRuns(int runs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Integer.parseInt(Http.get(base, "api/probe/idempotency/slow/runs").body().trim()) >= runs) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the slow call did not start");
    }

    /** The fingerprint the server computes for a request: method, path, query and the body's digest. */
    private static String requestFingerprint(String method, String path, String body) {
        MessageDigest digest = Digests.sha256();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        digest.update(bytes);
        return Digests.fingerprint(method.getBytes(StandardCharsets.UTF_8), path.getBytes(StandardCharsets.UTF_8),
                new byte[0], Digests.textOfStreamedPart(digest, bytes.length).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
