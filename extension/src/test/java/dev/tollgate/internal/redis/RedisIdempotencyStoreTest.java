package dev.tollgate.internal.redis;

import dev.tollgate.internal.idempotency.ClaimOutcome;
import dev.tollgate.internal.idempotency.ClaimOutcome.State;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** What only the Redis idempotency store has to show: its keys, its round trips and batches, and how it fails. */
class RedisIdempotencyStoreTest {

    private static final long MINUTE = 60_000;

    private static RedisProcess redis;
    private static RedisIdempotencyStore store;
    private static RedisInspector inspector;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        store = RedisIdempotencyStore.connect(RedisSettings.forAddress(redis.address()));
        inspector = redis.inspector();
    }

    @AfterAll
    static void stop() {
        inspector.close();
        store.close();
        redis.close();
    }

    @BeforeEach
    void emptyServer() {
        inspector.call("FLUSHALL");
        inspector.call("CONFIG", "RESETSTAT");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyKeyWrittenHasATtlNoLongerThanItsLeaseOrTimeToLive() {
        for (int i = 0; i < 10; i++) {
            store.claim("running-" + i, "fp", "a", MINUTE);
            store.claim("running-" + i, "other", "b", 5 * MINUTE); // mismatch: writes nothing
            store.claim("running-" + i, "fp", "b", 5 * MINUTE); // in progress: writes nothing

            store.claim("renewed-" + i, "fp", "a", MINUTE);
            store.renew("renewed-" + i, "a", 2 * MINUTE);

            store.claim("done-" + i, "fp", "a", MINUTE);
            store.complete("done-" + i, "a", i % 2 == 0 ? new byte[0] : bytes("result"), 3 * MINUTE);
            store.renew("done-" + i, "a", 10 * MINUTE); // completed: writes nothing

            store.claim("released-" + i, "fp", "a", MINUTE);
            store.release("released-" + i, "a");

            store.complete("never-" + i, "a", bytes("orphan"), 10 * MINUTE); // no record: writes nothing
            store.renew("never-" + i, "a", 10 * MINUTE);
        }
        List<String> keys = inspector.keys();
        assertThat(keys).hasSize(30);
        for (String key : keys) {
            // in progress: the lease (1 min), renewed: the new lease (2 min), completed: the time to live (3 min);
            // each above the one before, which holds as long as this test takes less than a minute
            long expected = key.contains("{running-") ? MINUTE : key.contains("{renewed-") ? 2 * MINUTE : 3 * MINUTE;
            assertThat(inspector.pttl(key)).as("PTTL of %s", key).isBetween(expected - MINUTE + 1, expected);
        }
    }

    @Test
    void oneHashTaggedKeyPerRecordWithItsOwnerWhileRunningAndItsRawResultOnceCompleted() {
        store.claim("u1-abc", "fp", "owner-1", MINUTE);
        String key = "tollgate:idem:{u1-abc}";
        assertThat(inspector.keys()).containsExactly(key);
        assertThat(inspector.call("HGET", key, "f")).isEqualTo("fp");
        assertThat(inspector.call("HGET", key, "o")).isEqualTo("owner-1");
        assertThat(inspector.call("HEXISTS", key, "r")).isEqualTo(0L);

        byte[] megabyte = new byte[1024 * 1024];
        Arrays.fill(megabyte, (byte) 0xFF);
        store.complete("u1-abc", "owner-1", megabyte, MINUTE);
        assertThat(inspector.call("HEXISTS", key, "o")).as("a completed record has no owner").isEqualTo(0L);
        assertThat(inspector.call("HSTRLEN", key, "r")).as("stored as is, not encoded").isEqualTo(1024L * 1024);
        assertThat(inspector.call("HGET", key, "f")).isEqualTo("fp");
    }

    @Test
    void theKeyPrefixIsTheFirstSegment() {
        try (RedisIdempotencyStore other = RedisIdempotencyStore.connect(
                RedisSettings.forAddress(redis.address()).withKeyPrefix("shop.orders"))) {
            other.claim("k", "fp", "o", MINUTE);
            assertThat(inspector.keys()).containsExactly("shop.orders:idem:{k}");
            assertThat(store.claim("k", "fp", "o", MINUTE).state()).as("another prefix, another record")
                    .isEqualTo(State.CLAIMED);
        }
    }

    @Test
    void aLoneOperationIsOneScriptCallSentAtOnce() {
        // Loads the script first, so that every counted call is the EVALSHA of one operation.
        store.claim("warm", "fp", "a", MINUTE);
        store.renew("warm", "a", MINUTE);
        store.complete("warm", "a", bytes("r"), MINUTE);
        store.release("warm", "a");
        inspector.call("CONFIG", "RESETSTAT");

        int operations = 0;
        for (int i = 0; i < 25; i++) {
            String key = "k" + i;
            store.claim(key, "fp", "a", MINUTE);
            store.claim(key, "fp", "b", MINUTE);
            store.renew(key, "a", MINUTE);
            store.complete(key, "a", bytes("result " + i), MINUTE);
            store.claim(key, "fp", "c", MINUTE);
            store.release(key, "a");
            operations += 6;
        }
        Map<String, Long> calls = inspector.commandCalls();
        assertThat(calls.get("evalsha")).isEqualTo(operations);
        // INFO commandstats also counts the commands the scripts run, so the other round trips are ruled out by name.
        assertThat(calls).doesNotContainKeys("eval", "script", "multi", "exec");
    }

    @Test
    void aFlushedScriptCacheCostsOneEvalPerScriptAndNothingElse() {
        store.claim("before", "fp", "a", MINUTE);
        store.complete("before", "a", bytes("r"), MINUTE);
        inspector.call("SCRIPT", "FLUSH");
        inspector.call("CONFIG", "RESETSTAT");

        assertThat(store.claim("after", "fp", "a", MINUTE).state()).isEqualTo(State.CLAIMED);
        assertThat(store.complete("after", "a", bytes("r2"), MINUTE)).isTrue();
        assertThat(store.claim("after", "fp", "b", MINUTE).result()).isEqualTo(bytes("r2"));
        assertThat(store.claim("before", "fp", "b", MINUTE).result()).isEqualTo(bytes("r"));

        Map<String, Long> calls = inspector.commandCalls();
        assertThat(calls.get("eval")).as("one script for every operation, reloaded once").isEqualTo(1);
        // the claim's EVALSHA that met NOSCRIPT, then the complete and the two claims
        assertThat(calls.get("evalsha")).isEqualTo(4);
        assertThat(calls).doesNotContainKey("script");
    }

    // ---- batches ------------------------------------------------------------------------------------------------------

    /**
     * Pauses the server's clients for a while and fills both places in flight with two claims (which cannot be
     * answered before the pause ends), so that whatever is submitted next is queued and leaves as one batch: batches
     * made on demand, deterministically.
     */
    private static void holdTheBatcher() {
        inspector.call("CLIENT", "PAUSE", "600");
        for (int i = 0; i < RedisRateLimitBackend.MAX_IN_FLIGHT; i++) {
            store.submit(store.claimOperation("filler-" + i, "fp", "filler", MINUTE));
        }
    }

    @Test
    void operationsThatMeetInFlightShareOneScriptCallAndGetTheirOwnAnswers() throws Exception {
        // Loads the script, then records what the batch replaces: two completed keys and one running.
        store.claim("done-small", "fp", "a", MINUTE);
        store.complete("done-small", "a", new byte[0], MINUTE);
        byte[] large = new byte[200_000];
        new Random(7).nextBytes(large);
        store.claim("done-large", "fp", "a", MINUTE);
        store.complete("done-large", "a", large, MINUTE);
        store.claim("running", "fp", "a", MINUTE);
        inspector.call("CONFIG", "RESETSTAT");

        holdTheBatcher();
        byte[] medium = bytes("{\"order\":\"Grüße 😀\"}");
        List<CompletableFuture<RedisIdempotencyStore.Answer>> answers = List.of(
                store.submit(store.claimOperation("new", "fp", "b", MINUTE)),
                store.submit(store.claimOperation("new", "fp", "c", MINUTE)), // after the claim just before
                store.submit(store.completeOperation("new", "b", medium, MINUTE)), // its owner completes it
                store.submit(store.claimOperation("new", "fp", "d", MINUTE)), // and the next claim replays it
                store.submit(store.claimOperation("done-small", "fp", "b", MINUTE)),
                store.submit(store.claimOperation("done-large", "fp", "b", MINUTE)),
                store.submit(store.claimOperation("done-large", "other", "b", MINUTE)),
                store.submit(store.completeOperation("running", "intruder", bytes("forged"), MINUTE)),
                store.submit(store.completeOperation("running", "a", large, MINUTE)),
                store.submit(store.claimOperation("running", "fp", "b", MINUTE)));
        List<RedisIdempotencyStore.Answer> got = new ArrayList<>();
        for (CompletableFuture<RedisIdempotencyStore.Answer> answer : answers) {
            got.add(answer.get(10, TimeUnit.SECONDS));
        }

        assertThat(RedisIdempotencyStore.claimOutcome(got.get(0))).isEqualTo(ClaimOutcome.claimed());
        assertThat(RedisIdempotencyStore.claimOutcome(got.get(1)).state()).isEqualTo(State.IN_PROGRESS);
        assertThat(got.get(2).state()).as("completed by its owner").isEqualTo(1);
        assertThat(RedisIdempotencyStore.claimOutcome(got.get(3)).result()).isEqualTo(medium);
        assertThat(RedisIdempotencyStore.claimOutcome(got.get(4)).result()).isEmpty();
        assertThat(RedisIdempotencyStore.claimOutcome(got.get(5)).result()).isEqualTo(large);
        assertThat(RedisIdempotencyStore.claimOutcome(got.get(6)).state()).isEqualTo(State.MISMATCH);
        assertThat(got.get(7).state()).as("not the owner").isZero();
        assertThat(got.get(8).state()).isEqualTo(1);
        assertThat(RedisIdempotencyStore.claimOutcome(got.get(9)).result()).isEqualTo(large);
        assertThat(inspector.commandCalls().get("evalsha")).as("the two fillers, then the ten operations at once")
                .isEqualTo(RedisRateLimitBackend.MAX_IN_FLIGHT + 1);
        assertThat(inspector.pttl("tollgate:idem:{new}")).as("the completion's TTL").isBetween(1L, MINUTE);
    }

    @Test
    void completionsOfLargeResultsThatMeetInFlightGoAsSeveralScriptCallsOfAboutAMebibyteEach() throws Exception {
        byte[] result = new byte[400_000];
        new Random(11).nextBytes(result);
        for (int i = 0; i < 10; i++) {
            store.claim("large-" + i, "fp", "a", MINUTE);
        }
        inspector.call("CONFIG", "RESETSTAT");

        holdTheBatcher();
        List<CompletableFuture<RedisIdempotencyStore.Answer>> completions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            completions.add(store.submit(store.completeOperation("large-" + i, "a", result, MINUTE)));
        }
        for (CompletableFuture<RedisIdempotencyStore.Answer> completion : completions) {
            assertThat(completion.get(10, TimeUnit.SECONDS).state()).isEqualTo(1);
        }

        // 400 kB each: a batch is closed at its third (1.2 MB ≥ 1 MiB), so 3 + 3 + 3 + 1, not one 4 MB call
        assertThat(inspector.commandCalls().get("evalsha")).as("the two fillers, then four batches")
                .isEqualTo(RedisRateLimitBackend.MAX_IN_FLIGHT + 4);
        for (int i = 0; i < 10; i++) {
            assertThat(store.claim("large-" + i, "fp", "b", MINUTE).result()).isEqualTo(result);
        }
    }

    @Test
    void anOperationWhoseCallerGaveUpBeforeItLeftIsDroppedAndTheOthersAreAnswered() throws Exception {
        store.claim("warm", "fp", "a", MINUTE);
        holdTheBatcher();
        CompletableFuture<RedisIdempotencyStore.Answer> abandoned =
                store.submit(store.claimOperation("k", "fp", "gave-up", MINUTE));
        CompletableFuture<RedisIdempotencyStore.Answer> next =
                store.submit(store.claimOperation("k", "fp", "patient", MINUTE));
        CompletableFuture<RedisIdempotencyStore.Answer> abandonedToo =
                store.submit(store.completeOperation("k", "patient", bytes("lost"), MINUTE));
        CompletableFuture<RedisIdempotencyStore.Answer> last =
                store.submit(store.claimOperation("k", "fp", "third", MINUTE));
        // as BoundedWait does when its caller's wait ends
        abandoned.cancel(false);
        abandonedToo.cancel(false);

        assertThat(RedisIdempotencyStore.claimOutcome(next.get(10, TimeUnit.SECONDS)))
                .as("the abandoned claim before it never ran").isEqualTo(ClaimOutcome.claimed());
        assertThat(RedisIdempotencyStore.claimOutcome(last.get(10, TimeUnit.SECONDS)).state())
                .as("the abandoned completion never ran").isEqualTo(State.IN_PROGRESS);
        assertThat(inspector.call("HGET", "tollgate:idem:{k}", "o")).isEqualTo("patient");
        assertThat(store.complete("k", "patient", bytes("kept"), MINUTE)).isTrue();
        assertThat(store.claim("k", "fp", "fourth", MINUTE).result()).isEqualTo(bytes("kept"));
    }

    @Test
    void manySimultaneousCallersShareScriptCalls() throws Exception {
        // Batching is up to timing, so this asserts only that it happened at least once in a few rounds of 64
        // callers released together: 64 operations in fewer than 64 script calls.
        int callers = 64;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            store.claim("warm", "fp", "a", MINUTE);
            long fewest = Long.MAX_VALUE;
            for (int round = 0; round < 10 && fewest >= callers; round++) {
                inspector.call("CONFIG", "RESETSTAT");
                CyclicBarrier start = new CyclicBarrier(callers);
                List<Future<ClaimOutcome>> claims = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    String key = "round-" + round + "-" + i;
                    claims.add(pool.submit(() -> {
                        start.await();
                        return store.claim(key, "fp", "a", MINUTE);
                    }));
                }
                for (Future<ClaimOutcome> claim : claims) {
                    assertThat(claim.get(10, TimeUnit.SECONDS)).isEqualTo(ClaimOutcome.claimed());
                }
                fewest = Math.min(fewest, inspector.commandCalls().get("evalsha"));
            }
            assertThat(fewest).as("script calls for 64 claims, the fewest of the rounds").isLessThan(callers);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeadRedisFailsEveryOperationQuicklyInsteadOfHanging() {
        RedisProcess doomed = RedisProcess.start();
        RedisSettings settings = RedisSettings.forAddress(doomed.address())
                .withTimeouts(Duration.ofMillis(200), 1, Duration.ofMillis(50));
        try (RedisIdempotencyStore victim = RedisIdempotencyStore.connect(settings)) {
            assertThat(victim.claim("k", "fp", "a", MINUTE).state()).isEqualTo(State.CLAIMED);
            victim.ping();
            doomed.stop();
            // Bounded by the settings' operation timeout (about half a second); the preemptive bound only proves
            // that the caller gets control back rather than waiting for a TCP timeout.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertThatThrownBy(() -> victim.claim("k", "fp", "b", MINUTE))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("idempotency.lua (claim)");
                assertThatThrownBy(() -> victim.renew("k", "a", MINUTE))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("idempotency.lua (renew)");
                assertThatThrownBy(() -> victim.complete("k", "a", bytes("r"), MINUTE))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("idempotency.lua (complete)");
                assertThatThrownBy(() -> victim.release("k", "a"))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("idempotency.lua (release)");
                assertThatThrownBy(victim::ping).isInstanceOf(BackendUnavailableException.class);
            });
        } finally {
            doomed.close();
        }
    }

    @Test
    void itsNameIsRedis() {
        assertThat(store.name()).isEqualTo("redis");
    }
}
