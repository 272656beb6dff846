package dev.tollgate.example.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.probe.AsyncConcurrencyBean;
import dev.tollgate.example.it.probe.AsyncEjbProbeResource;
import dev.tollgate.example.it.probe.AsyncIdempotencyProbeResource;
import dev.tollgate.example.it.probe.AsyncRateLimitProbeResource;
import dev.tollgate.example.it.probe.AsyncRuns;
import dev.tollgate.example.it.probe.AsyncVisit;
import dev.tollgate.example.it.probe.AsyncWorker;
import dev.tollgate.example.it.probe.TestUserAuthentication;
import dev.tollgate.example.it.support.Burst;
import dev.tollgate.example.it.support.Burst.Answer;
import dev.tollgate.example.it.support.Burst.Answers;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.RateLimitFields;
import dev.tollgate.example.it.support.RedisForTestClass;
import dev.tollgate.example.it.support.TestArchives;
import dev.tollgate.testing.RedisProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * Asynchronous methods under both guards, end to end through a real Redis ({@link RedisForTestClass}), in one
 * deployment: JAX-RS resources returning {@code CompletionStage<Response>} or answering through a
 * {@code @Suspended AsyncResponse}, whose work completes on a thread of the server's managed executor
 * ({@link AsyncRateLimitProbeResource}, {@link AsyncIdempotencyProbeResource}); a Jakarta Concurrency
 * {@code @Asynchronous} CDI method ({@link AsyncConcurrencyBean}); and EJB {@code @Asynchronous} methods, whose
 * interceptors the container runs on a thread of its own ({@link AsyncWorker}, called by
 * {@link AsyncEjbProbeResource}). Executions are counted by {@link AsyncRuns}. Each test uses partitions and keys of
 * its own; callers authenticate through {@link TestUserAuthentication} where the principal matters. The idempotency
 * lease is short ({@value #LEASE_MILLIS} ms), so that a stage outlasting it shows the lease renewed until it completes.
 */
@ExtendWith({RedisForTestClass.class, ArquillianExtension.class})
public abstract class AbstractAsyncMethodsIT {

    protected static final String ARCHIVE = "async-methods.war";
    static final int CALLERS = 100;
    static final int DUPLICATES = 40;
    /** The idempotency lease of the deployment: shorter than {@link AsyncIdempotencyProbeResource#SLOW_WORK_MILLIS}. */
    static final long LEASE_MILLIS = 2000;
    static final String PROBLEM_JSON = "application/problem+json";
    static final String RATE_LIMIT_PROBLEM = "https://tollgate.dev/problems/rate-limit-exceeded";
    static final String KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    static final String ROUND = AsyncRateLimitProbeResource.ROUND_HEADER;
    static final String USER = AsyncRateLimitProbeResource.USER_HEADER;
    private static final Pattern THREADS = Pattern.compile("; called on (.+); completed on (.+)$");

    /** Started by the deployment method, stopped by {@link RedisForTestClass} after the class. */
    static RedisProcess redis;

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    static WebArchive asyncWar() {
        redis = RedisForTestClass.start();
        return TestArchives.withConfig(TestArchives.exampleWar(ARCHIVE),
                        "tollgate.redis.address=" + redis.address(),
                        "tollgate.idempotency.lease=" + LEASE_MILLIS)
                .addClasses(AsyncRuns.class, AsyncRateLimitProbeResource.class, AsyncConcurrencyBean.class,
                        AsyncIdempotencyProbeResource.class, AsyncIdempotencyProbeResource.Declined.class,
                        AsyncWorker.class, AsyncEjbProbeResource.class, TestUserAuthentication.class,
                        AsyncVisit.class);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // @RateLimit on JAX-RS resources returning CompletionStage<Response>

    @Test
    void aStageResourceAdmitsExactlyTheLimitAndRefusesTheRestWith429() throws Exception {
        warmUp();
        int limit = AsyncRateLimitProbeResource.EXACT_LIMIT;
        HttpRequest request = Burst.get(uri("api/probe/async-limit/exact"), ROUND, "exact-" + UUID.randomUUID());

        Answers answers = Burst.send(Collections.nCopies(CALLERS, request));
        System.out.println("CompletionStage resource, " + CALLERS + " callers: " + Answers.statuses(answers.all()));

        assertThat(Answers.statuses(answers.all())).as("status -> count; answers %s", answers.all())
                .containsOnly(entry(200, (long) limit), entry(429, (long) (CALLERS - limit)));
        Set<Long> remaining = new TreeSet<>();
        for (Answer admitted : answers.select(answer -> answer.status() == 200)) {
            HttpResponse<String> response = admitted.response();
            assertCompletedOnAnotherThread(response, "exact");
            assertThat(RateLimitFields.header(response, "RateLimit-Policy")).as("%s", admitted)
                    .isEqualTo("\"async-exact\";q=" + limit + ";w=3600");
            assertThat(RateLimitFields.parse(response, "RateLimit").get("async-exact")).as("%s", admitted)
                    .containsKeys("r", "t");
            assertThat(RateLimitFields.header(response, "X-RateLimit-Limit")).isEqualTo(Integer.toString(limit));
            assertThat(RateLimitFields.header(response, "X-RateLimit-Reset")).as("%s", admitted).matches("[0-9]+");
            assertThat(response.headers().firstValue("Retry-After")).as("%s", admitted).isEmpty();
            remaining.add(Long.parseLong(RateLimitFields.header(response, "X-RateLimit-Remaining")));
        }
        assertThat(remaining).as("X-RateLimit-Remaining of the admitted calls, one each")
                .isEqualTo(LongStream.range(0, limit).boxed().collect(Collectors.toSet()));
        for (Answer refused : answers.select(answer -> answer.status() == 429)) {
            HttpResponse<String> response = refused.response();
            assertRefused(response, "async-exact", 3600);
            assertThat(RateLimitFields.header(response, "RateLimit-Policy")).as("%s", refused)
                    .isEqualTo("\"async-exact\";q=" + limit + ";w=3600");
            assertThat(RateLimitFields.parse(response, "RateLimit").get("async-exact")).as("%s", refused)
                    .containsEntry("r", 0L);
            assertThat(RateLimitFields.header(response, "X-RateLimit-Remaining")).as("%s", refused).isEqualTo("0");
        }
    }

    @Test
    void aRefusedStageCallWaitsForItsPermitAndRuns() {
        assertWaitsForItsPermitAndRuns("waiting", "async-waiting");
    }

    @Test
    void aHeaderKeyPartitionsStageCallsPerHeaderValue() {
        warmUp();
        int limit = AsyncRateLimitProbeResource.PER_USER_LIMIT;
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();

        for (int call = 1; call <= limit; call++) {
            HttpResponse<String> admitted = perUser(alice);
            assertThat(admitted.statusCode()).as("alice's call %d: %s", call, admitted.body()).isEqualTo(200);
            assertCompletedOnAnotherThread(admitted, "per-user for " + alice);
            assertThat(RateLimitFields.header(admitted, "X-RateLimit-Remaining")).isEqualTo(
                    Integer.toString(limit - call));
        }
        HttpResponse<String> refused = perUser(alice);
        HttpResponse<String> bobs = perUser(bob);

        assertRefused(refused, "async-per-user", 3600);
        assertThat(bobs.statusCode()).as("bob after alice used her quota: %s", bobs.body()).isEqualTo(200);
        assertCompletedOnAnotherThread(bobs, "per-user for " + bob);
        assertThat(RateLimitFields.header(bobs, "X-RateLimit-Remaining")).isEqualTo(Integer.toString(limit - 1));
    }

    @Test
    void aSuspendedResourceIsAdmittedWithTheHeadersAndThenRefusedWith429() {
        warmUp();
        String round = "suspended-" + UUID.randomUUID();

        HttpResponse<String> admitted = Http.send(HttpRequest.newBuilder(uri("api/probe/async-limit/suspended"))
                .header(ROUND, round).GET());
        HttpResponse<String> refused = Http.send(HttpRequest.newBuilder(uri("api/probe/async-limit/suspended"))
                .header(ROUND, round).GET());

        assertThat(admitted.statusCode()).as(admitted.body()).isEqualTo(200);
        assertCompletedOnAnotherThread(admitted, "suspended");
        assertThat(RateLimitFields.header(admitted, "RateLimit-Policy")).isEqualTo("\"async-suspended\";q=1;w=3600");
        assertThat(RateLimitFields.header(admitted, "X-RateLimit-Remaining")).isEqualTo("0");
        assertRefused(refused, "async-suspended", 3600);
        assertThat(RateLimitFields.header(refused, "RateLimit-Policy")).isEqualTo("\"async-suspended\";q=1;w=3600");
        assertThat(RateLimitFields.parse(refused, "RateLimit").get("async-suspended")).containsEntry("r", 0L);
    }

    @Test
    void aConcurrencyPermitIsHeldUntilTheSuspendedResponseIsResumed() throws Exception {
        assertHeldUntilTheAnswer("suspended-one-at-a-time");
    }

    @Test
    void aConcurrencyPermitIsHeldUntilTheStageCompletes() throws Exception {
        assertHeldUntilTheAnswer("stage-one-at-a-time");
    }

    /**
     * A call that answers 1.5 s later holds the round's only permit meanwhile: a second call is refused with 429 and
     * {@code Retry-After: 1}; once the first answer has arrived, the permit is back and a third call runs.
     */
    private void assertHeldUntilTheAnswer(String path) throws Exception {
        warmUp();
        URI holding = uri("api/probe/async-limit/" + path + "?holdMillis=1500");
        URI quick = uri("api/probe/async-limit/" + path + "?holdMillis=0");
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        // The second call is sent once the first is (most likely) inside; should it arrive first after all (a slow
        // machine), the first is refused or the second admitted, and the scenario starts again in a new round.
        for (int attempt = 1; attempt <= 5; attempt++) {
            String round = path + "-" + UUID.randomUUID();
            java.util.concurrent.CompletableFuture<HttpResponse<String>> first = client.sendAsync(
                    HttpRequest.newBuilder(holding).header(ROUND, round).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            HttpResponse<String> second = Http.send(HttpRequest.newBuilder(quick).header(ROUND, round).GET());
            boolean firstRunning = !first.isDone();
            if (second.statusCode() == 429 && firstRunning) {
                assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
                HttpResponse<String> answered = first.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
                HttpResponse<String> after = Http.send(HttpRequest.newBuilder(quick).header(ROUND, round).GET());
                assertThat(after.statusCode()).as("the permit is back once the answer arrived: %s", after.body())
                        .isEqualTo(200);
                return;
            }
            HttpResponse<String> answered = first.get(30, java.util.concurrent.TimeUnit.SECONDS);
            // The only other outcomes: the second came first (admitted), or the first was refused while it was in.
            assertThat(second.statusCode() == 200 || answered.statusCode() == 429)
                    .as("attempt %d: second %d, first %d (%s)", attempt, second.statusCode(), answered.statusCode(),
                            answered.body()).isTrue();
        }
        throw new AssertionError("the second call never met the first inside, in 5 attempts");
    }

    @Test
    void aRefusedSuspendedCallWaitsForItsPermitAndRuns() {
        assertWaitsForItsPermitAndRuns("suspended-waiting", "async-suspended-waiting");
    }

    /**
     * Jakarta Concurrency's {@code @Asynchronous} runs the method on the managed executor; the limit, keyed by a
     * request header, is still decided per header value, so Tollgate decided it on the caller's thread.
     */
    @Test
    void aConcurrencyAsynchronousMethodIsLimitedPerHeaderOfItsCallersRequest() {
        warmUp();
        int limit = AsyncConcurrencyBean.PER_USER_LIMIT;
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();

        for (int call = 1; call <= limit; call++) {
            HttpResponse<String> admitted = concurrencyPerUser(alice);
            assertThat(admitted.statusCode()).as("alice's call %d: %s", call, admitted.body()).isEqualTo(200);
            assertCompletedOnAnotherThread(admitted, "concurrency-per-user for " + alice);
            assertThat(RateLimitFields.header(admitted, "X-RateLimit-Remaining")).isEqualTo(
                    Integer.toString(limit - call));
        }
        HttpResponse<String> refused = concurrencyPerUser(alice);
        HttpResponse<String> bobs = concurrencyPerUser(bob);

        assertRefused(refused, "concurrency-per-user", 3600);
        assertThat(bobs.statusCode()).as("bob after alice used her quota: %s", bobs.body()).isEqualTo(200);
        assertCompletedOnAnotherThread(bobs, "concurrency-per-user for " + bob);
        assertThat(RateLimitFields.header(bobs, "X-RateLimit-Remaining")).isEqualTo(Integer.toString(limit - 1));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // @Idempotent on JAX-RS resources answering later

    @Test
    void simultaneousDuplicatesRunAStageResourceOnceAndARetryIsAReplay() throws Exception {
        assertRunsOnceUnderDuplicates("stage");
    }

    @Test
    void simultaneousDuplicatesRunASuspendedResourceOnceAndARetryIsAReplay() throws Exception {
        assertRunsOnceUnderDuplicates("suspended");
    }

    @Test
    void aFailedStageFreesTheKeyAndARetryRunsAgain() {
        assertAFailureFreesTheKey("stage-failing-once", 500);
    }

    @Test
    void aSuspendedResponseResumedWithAFailureFreesTheKeyAndARetryRunsAgain() {
        assertAFailureFreesTheKey("suspended-failing-once", 503);
    }

    /**
     * The response's timeout, answered by JAX-RS with a 503 while the work still runs, is a failure like the others:
     * the 503 is not stored, the key is freed, and a retry runs again.
     */
    @Test
    void aSuspendedResponseThatTimesOutFreesTheKeyAndARetryRunsAgain() {
        assertAFailureFreesTheKey("suspended-timing-out-once", 503);
    }

    @Test
    void aStageFailureTheMethodStoresIsReplayedAndNeverRunsAgain() {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> declined = postWithKey("stage-declined", key);
        HttpResponse<String> again = postWithKey("stage-declined", key);

        assertThat(declined.statusCode()).as(declined.body()).isEqualTo(402);
        assertThat(declined.body()).startsWith("stage-declined run 1 for " + key);
        assertThat(again.statusCode()).isEqualTo(402);
        assertThat(again.body().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(declined.body().getBytes(StandardCharsets.UTF_8));
        assertThat(again.headers().firstValue(REPLAYED)).contains("true");
        assertThat(idempotentRuns("stage-declined/" + key)).isEqualTo(1);
    }

    /**
     * A duplicate of a stage still running waits for it ({@code maxWait}) and gets its response as a replay. The
     * work outlasts the deployment's {@value #LEASE_MILLIS} ms lease twice over, so it ran once only because the
     * lease was renewed until the stage completed (else the waiting duplicate would have claimed the key and run).
     */
    @Test
    void aDuplicateWaitsForARunningStageWhoseLeaseIsRenewedUntilItCompletes() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(uri("api/probe/async-idempotency/stage-slow"))
                .timeout(Duration.ofSeconds(60))
                .header(KEY, key)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();

        CompletableFuture<HttpResponse<String>> first = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofString());
        awaitRuns("stage-slow/" + key, 1);
        HttpResponse<String> duplicate = Http.send(HttpRequest.newBuilder(request.uri()).header(KEY, key)
                .POST(HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> original = first.get(60, TimeUnit.SECONDS);

        assertThat(original.statusCode()).as(original.body()).isEqualTo(200);
        assertThat(original.body()).startsWith("stage-slow run 1 for " + key);
        assertThat(duplicate.statusCode()).as("the duplicate that waited: %s", duplicate.body()).isEqualTo(200);
        assertThat(duplicate.headers().firstValue(REPLAYED)).contains("true");
        assertThat(duplicate.body().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(original.body().getBytes(StandardCharsets.UTF_8));
        assertThat(idempotentRuns("stage-slow/" + key)).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // EJB @Asynchronous methods

    @Test
    void anEjbAsynchronousMethodLimitedByParameterAdmitsExactlyTheLimit() throws Exception {
        HttpResponse<String> warmUp = Http.get(base, "api/probe/async-ejb/limited?round=warm-up");
        assertThat(warmUp.statusCode()).as("warm-up call: %s", warmUp.body()).isEqualTo(200);
        String round = "ejb-" + UUID.randomUUID();
        HttpRequest request = Burst.get(uri("api/probe/async-ejb/limited?round=" + round));

        Answers answers = Burst.send(Collections.nCopies(CALLERS, request));
        System.out.println("EJB @Asynchronous, " + CALLERS + " callers: " + Answers.statuses(answers.all()));

        assertThat(Answers.statuses(answers.all())).as("status -> count; answers %s", answers.all())
                .containsOnly(entry(200, (long) AsyncWorker.LIMIT), entry(429, (long) (CALLERS - AsyncWorker.LIMIT)));
        assertThat(answers.select(answer -> answer.status() == 200))
                .allSatisfy(answer -> assertThat(answer.response().body()).startsWith("admitted in round " + round));
        assertThat(answers.select(answer -> answer.status() == 429))
                .allSatisfy(answer -> assertThat(answer.response().body()).startsWith("ExecutionException caused by "
                        + "dev.tollgate.RateLimitExceededException from ejb-async-exact, retry after PT"));
    }

    @Test
    void anEjbAsynchronousMethodLimitedByPrincipalCountsPerCaller() {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();

        for (int call = 1; call <= AsyncWorker.PER_CALLER_LIMIT; call++) {
            HttpResponse<String> admitted = perCaller(alice);
            assertThat(admitted.statusCode()).as("alice's call %d: %s", call, admitted.body()).isEqualTo(200);
            assertThat(admitted.body()).isEqualTo("admitted for " + alice);
        }
        HttpResponse<String> refused = perCaller(alice);
        HttpResponse<String> bobs = perCaller(bob);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.body()).startsWith("ExecutionException caused by dev.tollgate.RateLimitExceededException"
                + " from ejb-async-per-caller, retry after PT");
        assertThat(bobs.statusCode()).as("bob after alice used her quota: %s", bobs.body()).isEqualTo(200);
        assertThat(bobs.body()).isEqualTo("admitted for " + bob);
    }

    @Test
    void anIdempotentEjbAsynchronousMethodRunsOncePerKey() {
        String key = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();

        HttpResponse<String> first = Http.send(HttpRequest.newBuilder(uri("api/probe/async-ejb/once?key=" + key))
                .POST(HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> again = Http.send(HttpRequest.newBuilder(uri("api/probe/async-ejb/once?key=" + key))
                .POST(HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> another = Http.send(HttpRequest.newBuilder(uri("api/probe/async-ejb/once?key=" + other))
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).startsWith("ejb run 1 for " + key + " on ");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(again.body()).as("the second call's future yields the first call's value").isEqualTo(first.body());
        assertThat(another.body()).startsWith("ejb run 1 for " + other + " on ");
        assertThat(runs("api/probe/async-ejb/runs", "ejb-once/" + key)).isEqualTo(1);
        assertThat(runs("api/probe/async-ejb/runs", "ejb-once/" + other)).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * {@value #DUPLICATES} requests with one key, sent at once: the work runs once; every answer is that run's
     * response (200, the same bytes; all but the running one replays) or a 409 for a duplicate that found it
     * running. A later retry is a replay, byte for byte.
     */
    private void assertRunsOnceUnderDuplicates(String probe) throws InterruptedException {
        String key = UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(uri("api/probe/async-idempotency/" + probe))
                .timeout(Duration.ofSeconds(60))
                .header(KEY, key)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();

        Answers answers = Burst.send(Collections.nCopies(DUPLICATES, request));
        Map<Integer, Long> statuses = Answers.statuses(answers.all());
        System.out.println(probe + ", " + DUPLICATES + " requests with one key: " + statuses);

        assertThat(idempotentRuns(probe + "/" + key)).as("executions; answers %s", answers.all()).isEqualTo(1);
        assertThat(statuses.keySet()).as("statuses; answers %s", answers.all()).isSubsetOf(200, 409).contains(200);
        List<Answer> ok = answers.select(answer -> answer.status() == 200);
        Set<String> bodies = ok.stream().map(answer -> answer.response().body()).collect(Collectors.toSet());
        assertThat(bodies).as("distinct 200 bodies").hasSize(1);
        String body = bodies.iterator().next();
        assertThat(body).startsWith(probe + " run 1 for " + key + " on ");
        assertThat(ok.stream().filter(answer -> answer.response().headers().firstValue(REPLAYED).isEmpty()))
                .as("200s that are not replays: the one that ran").hasSize(1);
        for (Answer conflict : answers.select(answer -> answer.status() == 409)) {
            assertThat(mediaType(conflict.response())).as("%s", conflict).isEqualTo(PROBLEM_JSON);
            assertThat(json(conflict.response().body()).getString("type")).endsWith("/idempotency-key-in-progress");
            assertThat(conflict.response().headers().firstValue("Retry-After")).as("%s", conflict).isPresent();
        }
        HttpResponse<String> original = ok.stream()
                .filter(answer -> answer.response().headers().firstValue(REPLAYED).isEmpty())
                .findFirst().orElseThrow().response();

        HttpResponse<String> retry = Http.send(HttpRequest.newBuilder(request.uri()).header(KEY, key)
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(retry.headers().firstValue(REPLAYED)).contains("true");
        assertThat(retry.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(retry.headers().firstValue("Content-Type"))
                .isEqualTo(original.headers().firstValue("Content-Type")).isPresent();
        assertThat(idempotentRuns(probe + "/" + key)).isEqualTo(1);
    }

    /**
     * The first run fails with {@code status}, which frees the key: a retry with the key runs again and answers
     * 200, and the retry after that is its replay.
     */
    private void assertAFailureFreesTheKey(String probe, int status) {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> failed = postWithKey(probe, key);
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(status);
        assertThat(failed.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(idempotentRuns(probe + "/" + key)).isEqualTo(1);

        HttpResponse<String> retried = postWithKey(probe, key);
        HttpResponse<String> replayed = postWithKey(probe, key);

        assertThat(retried.statusCode()).as("the retry after a failure: %s", retried.body()).isEqualTo(200);
        assertThat(retried.body()).startsWith(probe + " run 2 for " + key);
        assertThat(retried.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(replayed.statusCode()).isEqualTo(200);
        assertThat(replayed.headers().firstValue(REPLAYED)).contains("true");
        assertThat(replayed.body().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(retried.body().getBytes(StandardCharsets.UTF_8));
        assertThat(idempotentRuns(probe + "/" + key)).isEqualTo(2);
    }

    /**
     * Two calls on a fresh partition of a limit of one per sliding
     * {@value AsyncRateLimitProbeResource#WAIT_WINDOW_SECONDS} s with a {@code maxWait} of 5 s: the first is
     * admitted, the second is refused at first and waits, without a thread, for the permit that frees one window
     * after the first, and then runs.
     */
    private void assertWaitsForItsPermitAndRuns(String probe, String limiter) {
        warmUp();
        String round = probe + "-" + UUID.randomUUID();
        long window = TimeUnit.SECONDS.toMillis(AsyncRateLimitProbeResource.WAIT_WINDOW_SECONDS);

        long start = System.nanoTime();
        HttpResponse<String> first = Http.send(HttpRequest.newBuilder(uri("api/probe/async-limit/" + probe))
                .header(ROUND, round).GET());
        long firstMillis = millisSince(start);
        HttpResponse<String> waited = Http.send(HttpRequest.newBuilder(uri("api/probe/async-limit/" + probe))
                .header(ROUND, round).GET());
        long totalMillis = millisSince(start);
        System.out.println("maxWait on " + probe + ": first " + first.statusCode() + " after " + firstMillis
                + " ms, second " + waited.statusCode() + " after " + totalMillis + " ms in all");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(waited.statusCode()).as("the call that waited for its permit: %s", waited.body()).isEqualTo(200);
        assertCompletedOnAnotherThread(waited, probe);
        // The second permit frees one window after the first was taken, which was after the first call started.
        // (The server's clock is this machine's.)
        assertThat(totalMillis).as("time from the first call's start to the waiting call's answer")
                .isGreaterThanOrEqualTo(window - 100);
        assertThat(waited.headers().firstValue("Retry-After")).isEmpty();
        assertThat(RateLimitFields.header(waited, "RateLimit-Policy"))
                .isEqualTo("\"" + limiter + "\";q=1;w=" + AsyncRateLimitProbeResource.WAIT_WINDOW_SECONDS);
        assertThat(RateLimitFields.header(waited, "X-RateLimit-Remaining")).isEqualTo("0");
    }

    private void awaitRuns(String of, int runs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (idempotentRuns(of) < runs) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(of + " did not start within 20 s");
            }
            Thread.sleep(20);
        }
    }

    /** A first call on a partition of its own: connects Redisson and loads the script before anything is counted. */
    private void warmUp() {
        HttpResponse<String> warmUp = Http.send(HttpRequest.newBuilder(uri("api/probe/async-limit/exact"))
                .header(ROUND, "warm-up-" + UUID.randomUUID()).GET());
        assertThat(warmUp.statusCode()).as("warm-up call: %s", warmUp.body()).isEqualTo(200);
    }

    /** The body is {@code what}'s, and the work completed on another thread than the resource method's. */
    private static void assertCompletedOnAnotherThread(HttpResponse<String> response, String what) {
        assertThat(response.body()).startsWith(what + "; called on ");
        Matcher threads = THREADS.matcher(response.body());
        assertThat(threads.find()).as(response.body()).isTrue();
        assertThat(threads.group(2)).as("thread that completed the stage, in %s", response.body())
                .isNotEqualTo(threads.group(1));
    }

    /**
     * A 429 from {@code limiter}: {@code Retry-After} whole seconds in [1, maxSeconds], and an
     * {@code application/problem+json} body naming the limiter and repeating the wait.
     */
    private static void assertRefused(HttpResponse<String> response, String limiter, long maxSeconds) {
        assertThat(response.statusCode()).as("expected a 429 from %s, got: %s", limiter, response.body())
                .isEqualTo(429);
        String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
        assertThat(retryAfter).as("Retry-After of %s", response).isNotNull().matches("[0-9]+");
        assertThat(Long.parseLong(retryAfter)).as("Retry-After").isBetween(1L, maxSeconds);
        assertThat(mediaType(response)).isEqualTo(PROBLEM_JSON);
        JsonObject problem = json(response.body());
        assertThat(problem.getString("type")).isEqualTo(RATE_LIMIT_PROBLEM);
        assertThat(problem.getInt("status")).isEqualTo(429);
        assertThat(problem.getString("limiter")).isEqualTo(limiter);
        assertThat(problem.getJsonNumber("retryAfter").longValueExact()).isEqualTo(Long.parseLong(retryAfter));
    }

    private HttpResponse<String> perUser(String user) {
        return Http.send(HttpRequest.newBuilder(uri("api/probe/async-limit/per-user")).header(USER, user).GET());
    }

    private HttpResponse<String> concurrencyPerUser(String user) {
        return Http.send(HttpRequest.newBuilder(uri("api/probe/async-limit/concurrency-per-user")).header(USER, user)
                .GET());
    }

    private HttpResponse<String> perCaller(String user) {
        return Http.send(HttpRequest.newBuilder(uri("api/probe/async-ejb/per-caller"))
                .header(TestUserAuthentication.HEADER, user).GET());
    }

    private HttpResponse<String> postWithKey(String probe, String key) {
        return Http.send(HttpRequest.newBuilder(uri("api/probe/async-idempotency/" + probe))
                .header(KEY, key)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private int idempotentRuns(String of) {
        return runs("api/probe/async-idempotency/runs", of);
    }

    private int runs(String path, String of) {
        HttpResponse<String> response = Http.get(base, path + "?of=" + of);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Integer.parseInt(response.body().trim());
    }

    private URI uri(String relativePath) {
        return Http.resolve(base, relativePath);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static String mediaType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").map(type -> type.split(";")[0].trim()).orElse("");
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
