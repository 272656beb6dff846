package dev.tollgate.internal.local;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.idempotency.ClaimOutcome.State;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.PermitHolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller rotating a {@code header:} key's value (or an idempotency key) through 200,000 values, against the
 * in-memory backend (and store) with its default bound (100,000 entries): partitions that used up their limit stay
 * refused during and after the flood, whether they keep calling or pause, and whatever limiter the flood is on; the
 * newcomers beyond the bound share their limiter's overflow partition; everything is gone once the windows have
 * passed. Running claims and stored results survive a flood of keys, new keys beyond the bound being refused. Also
 * reports the heap one stored state or record costs (approximate: used heap after full collections, before and after
 * the flood, divided by the entries it stored; the partition strings and keys, which the store keeps, included).
 */
class PartitionFloodTest {

    private static final int FLOOD = 200_000;
    private static final long LIMIT = 5;
    private static final long MINUTE = 60_000;
    private static final long START = 1_700_000_000_000L;

    private final ManualClock clock = new ManualClock(START);

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aFloodOfPartitionsNeverGivesAUsedUpPartitionAFreshLimit(Algorithm algorithm) {
        LimitPolicy fivePerMinute = algorithm == Algorithm.TOKEN_BUCKET
                ? LimitPolicy.tokenBucket(LIMIT, MINUTE, LIMIT)
                : LimitPolicy.window(algorithm, LIMIT, MINUTE);
        long bound = InMemoryRateLimitBackend.DEFAULT_MAXIMUM_SIZE;
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, bound)) {
            LimitRequest busy = new LimitRequest("login", headerPartition("busy"), fivePerMinute, 1);
            LimitRequest paused = new LimitRequest("login", headerPartition("paused"), fivePerMinute, 1);
            // Another limiter's partition: the flood shares the store with every limiter.
            LimitRequest elsewhere = new LimitRequest("export", headerPartition("busy"), fivePerMinute, 1);
            for (LimitRequest used : List.of(busy, paused, elsewhere)) {
                for (int i = 0; i < LIMIT; i++) {
                    assertThat(acquire(backend, used)).isTrue();
                }
                assertThat(acquire(backend, used)).isFalse();
            }

            long heapBefore = usedHeapAfterGc();
            long floodAdmitted = 0;
            long busyAdmitted = 0;
            for (int i = 0; i < FLOOD; i++) {
                LimitRequest flood = new LimitRequest("login", headerPartition("value-" + i), fivePerMinute, 1);
                if (acquire(backend, flood)) {
                    floodAdmitted++;
                }
                if (i % 1_000 == 0) {
                    busyAdmitted += acquire(backend, busy) ? 1 : 0;
                    clock.advance(1); // 200 ms in all, well inside the window
                }
            }

            long heapAfter = usedHeapAfterGc();

            assertThat(busyAdmitted).isZero();
            assertThat(acquire(backend, busy)).isFalse();
            assertThat(acquire(backend, paused)).isFalse();
            assertThat(acquire(backend, elsewhere)).isFalse();
            // The bound held (plus the overflow state), and it held by sending newcomers to the overflow partition:
            // each newcomer with room in the store got its own limit, the rest shared one.
            assertThat(backend.storedStates()).isEqualTo(bound + 1);
            long ownStates = bound - 3;
            assertThat(floodAdmitted).isEqualTo(ownStates + LIMIT);
            // The states the flood added (its own and the overflow one), partition strings included: the newcomers
            // that went to the overflow partition left nothing behind.
            long bytesPerState = (heapAfter - heapBefore) / (ownStates + 1);
            System.out.printf("In-memory backend, %s: %,d bytes of heap per stored state (%,d states)%n",
                    algorithm, bytesPerState, ownStates + 1);
            // Not a benchmark, a sanity bound: what the javadoc and README say is about 200 to 300 bytes.
            assertThat(bytesPerState).isBetween(50L, 600L);
            LimitRequest newcomer = new LimitRequest("login", headerPartition("newcomer"), fivePerMinute, 1);
            assertThat(backend.peek(List.of(newcomer)).permitted()).isFalse();

            // Once every state's kept time has passed (a window; two reaches, i.e. two minutes, for token buckets and
            // GCRA, see SharedLimitState, counted from the flood's last store, 200 ms in), nothing is left once swept and
            // a newcomer has its own limit again.
            clock.advance(2 * MINUTE + 1_000);
            assertThat(backend.storedStates()).isZero();
            assertThat(backend.acquire(List.of(held(newcomer))).outcome(0).remaining()).isEqualTo(LIMIT - 1);
            assertThat(backend.storedStates()).isEqualTo(1);
        }
    }

    /** An acquire as a call makes it: a concurrency limit's by a holder of its own, which never gives it back. */
    private static boolean acquire(InMemoryRateLimitBackend backend, LimitRequest request) {
        return backend.acquire(List.of(held(request))).permitted();
    }

    private static LimitRequest held(LimitRequest request) {
        return request.holds() ? request.heldBy(PermitHolders.next()) : request;
    }

    @Test
    void aFloodOfIdempotencyKeysNeverDropsARunningClaimOrAStoredResult() {
        long bound = InMemoryIdempotencyStore.DEFAULT_MAXIMUM_SIZE;
        long hour = 3_600_000;
        byte[] result = "{\"id\":42}".getBytes(StandardCharsets.UTF_8);
        try (InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, bound)) {
            assertThat(store.claim("running", "fp", "first", 30_000).state()).isEqualTo(State.CLAIMED);
            store.claim("done", "fp", "first", 30_000);
            store.complete("done", "first", result, hour);
            long before = usedHeapAfterGc();

            long claimed = 0;
            long refused = 0;
            for (int i = 0; i < FLOOD; i++) {
                String key = headerPartition("key-" + i);
                try {
                    store.claim(key, "fp", "owner", 30_000);
                    store.complete(key, "owner", result, hour);
                    claimed++;
                } catch (BackendUnavailableException e) {
                    refused++;
                }
                if (i % 1_000 == 0) {
                    // A retry of the running call meets its claim during the whole flood: it does not run twice.
                    assertThat(store.claim("running", "fp", "retry", 30_000).state()).isEqualTo(State.IN_PROGRESS);
                    clock.advance(1);
                }
            }
            long after = usedHeapAfterGc();

            assertThat(claimed).isEqualTo(bound - 2);
            assertThat(refused).isEqualTo(FLOOD - bound + 2);
            assertThat(store.storedRecords()).isEqualTo(bound);
            assertThat(store.claim("running", "fp", "retry", 30_000).state()).isEqualTo(State.IN_PROGRESS);
            assertThat(store.claim("done", "fp", "retry", 30_000).result()).isEqualTo(result);
            assertThat(store.complete("running", "first", result, hour)).isTrue();
            System.out.printf("In-memory idempotency store: %,d bytes of heap per completed record with a %d-byte "
                    + "result (%,d records)%n", (after - before) / claimed, result.length, claimed);

            clock.advance(hour + 2_000);
            assertThat(store.storedRecords()).isZero();
            assertThat(store.claim("key-0", "fp", "owner", 30_000).state()).isEqualTo(State.CLAIMED);
        }
    }

    /** What {@code header:} partitions look like: {@code h:} and 22 characters of the value's SHA-256. */
    static String headerPartition(String value) {
        byte[] hash = SHA_256.get().digest(value.getBytes(StandardCharsets.UTF_8));
        return "h:" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 16));
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        // Repeated until it stops shrinking: one collection may leave garbage that a finalizer or a reference freed.
        for (int i = 0; i < 3; i++) {
            System.gc();
            long now = runtime.totalMemory() - runtime.freeMemory();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
