package dev.tollgate.internal.redis;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** What only the Redis idempotency store has to show: its keys, its round trips, and how it fails. */
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
    void eachOperationIsOneScriptCall() {
        // Loads the four scripts first, so that every counted call is the EVALSHA of one operation.
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
        assertThat(calls.get("eval")).as("claim and complete, reloaded once each").isEqualTo(2);
        // the two EVALSHAs that met NOSCRIPT, and the two claims after them
        assertThat(calls.get("evalsha")).isEqualTo(4);
        assertThat(calls).doesNotContainKey("script");
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
                        .hasMessageContaining("idempotency_claim.lua");
                assertThatThrownBy(() -> victim.renew("k", "a", MINUTE))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("idempotency_renew.lua");
                assertThatThrownBy(() -> victim.complete("k", "a", bytes("r"), MINUTE))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("idempotency_complete.lua");
                assertThatThrownBy(() -> victim.release("k", "a"))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("idempotency_release.lua");
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
