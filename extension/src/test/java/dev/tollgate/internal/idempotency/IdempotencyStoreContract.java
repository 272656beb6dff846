package dev.tollgate.internal.idempotency;

import dev.tollgate.internal.idempotency.ClaimOutcome.State;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link IdempotencyStore} must do, run against each of them by a subclass that supplies the store.
 *
 * <p>Leases and times to live are real time, because the Redis store takes its time from the Redis server. They are
 * either long (a minute or more: nothing expires during a test) or short (a few hundred ms) where expiry itself is
 * tested; then the test waits until the record is gone, up to a generous deadline, and never asserts how fast. A
 * record is asserted present only well inside its lease.
 */
public abstract class IdempotencyStoreContract {

    /** Nothing with this lease or time to live expires during a test. */
    private static final long LONG = Duration.ofMinutes(10).toMillis();
    /** A lease or time to live meant to run out during a test. */
    private static final long SHORT = 300;
    /** How long a test waits for a short lease or time to live to run out before failing. */
    private static final Duration EXPIRY_DEADLINE = Duration.ofSeconds(20);
    private static final String FINGERPRINT = "fp-1";
    private static final int CALLERS = 100;
    private static final AtomicLong KEYS = new AtomicLong();

    private static ExecutorService callers;

    /** The store under test; the subclass owns its lifecycle. */
    protected abstract IdempotencyStore store();

    @BeforeAll
    static void startCallers() {
        callers = Executors.newFixedThreadPool(CALLERS);
    }

    @AfterAll
    static void stopCallers() {
        callers.shutdownNow();
    }

    /** A key no other test uses, so tests never share records. */
    protected static String freshKey() {
        return "contract-" + ProcessHandle.current().pid() + "-" + KEYS.incrementAndGet();
    }

    protected static String newOwner() {
        return UUID.randomUUID().toString();
    }

    private ClaimOutcome claim(String key, String owner) {
        return store().claim(key, FINGERPRINT, owner, LONG);
    }

    /** A key claimed by {@code owner} with a long lease. */
    private String claimed(String owner) {
        String key = freshKey();
        assertThat(claim(key, owner).state()).isEqualTo(State.CLAIMED);
        return key;
    }

    // ---- claim ------------------------------------------------------------------------------------------------------

    @Test
    void theFirstClaimIsClaimed() {
        ClaimOutcome outcome = claim(freshKey(), newOwner());
        assertThat(outcome.state()).isEqualTo(State.CLAIMED);
        assertThat(outcome.result()).isNull();
        assertThat(outcome.leaseRemainingMillis()).isZero();
    }

    @Test
    void aSecondClaimWithTheSameFingerprintWhileRunningIsInProgressWithTheRemainingLease() {
        String key = freshKey();
        assertThat(store().claim(key, FINGERPRINT, newOwner(), LONG).state()).isEqualTo(State.CLAIMED);

        ClaimOutcome second = store().claim(key, FINGERPRINT, newOwner(), 5 * LONG);
        assertThat(second.state()).isEqualTo(State.IN_PROGRESS);
        assertThat(second.leaseRemainingMillis()).as("the first claim's lease, not the second's").isBetween(1L, LONG);
        assertThat(second.result()).isNull();
    }

    @Test
    void anOwnerClaimingItsOwnKeyAgainGetsInProgress() {
        String owner = newOwner();
        String key = claimed(owner);
        assertThat(claim(key, owner).state()).isEqualTo(State.IN_PROGRESS);
        assertThat(store().complete(key, owner, bytes("still mine"), LONG)).isTrue();
    }

    @Test
    void anotherFingerprintWhileInProgressIsAMismatchAndChangesNothing() {
        String owner = newOwner();
        String key = claimed(owner);

        ClaimOutcome other = store().claim(key, "fp-2", newOwner(), LONG);
        assertThat(other.state()).isEqualTo(State.MISMATCH);
        assertThat(other.result()).isNull();
        assertThat(other.leaseRemainingMillis()).isZero();

        assertThat(claim(key, newOwner()).state()).isEqualTo(State.IN_PROGRESS);
        assertThat(store().complete(key, owner, bytes("done"), LONG)).isTrue();
        assertThat(claim(key, newOwner()).result()).isEqualTo(bytes("done"));
    }

    @Test
    void anotherFingerprintAfterCompletionIsAMismatchAndChangesNothing() {
        String owner = newOwner();
        String key = claimed(owner);
        store().complete(key, owner, bytes("done"), LONG);

        assertThat(store().claim(key, "fp-2", newOwner(), LONG).state()).isEqualTo(State.MISMATCH);
        assertThat(claim(key, newOwner()).result()).isEqualTo(bytes("done"));
    }

    @Test
    void theMismatchIsCheckedBeforeTheState() {
        // A completed record with another fingerprint is a mismatch, never a replay of someone else's result.
        String owner = newOwner();
        String key = claimed(owner);
        store().complete(key, owner, bytes("done"), LONG);
        assertThat(store().claim(key, "", newOwner(), LONG).state()).isEqualTo(State.MISMATCH);
    }

    // ---- complete and replay ----------------------------------------------------------------------------------------

    static Stream<Named<byte[]>> results() {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] oneMegabyte = new byte[1024 * 1024];
        new Random(42).nextBytes(oneMegabyte);
        return Stream.of(
                Named.of("all 256 byte values", everyByte),
                Named.of("empty", new byte[0]),
                Named.of("1 MB of random bytes", oneMegabyte),
                Named.of("UTF-8 text", bytes("{\"order\":\"Grüße 😀\"}")));
    }

    @ParameterizedTest
    @MethodSource("results")
    void aCompletedResultIsReplayedByteForByte(byte[] result) {
        String owner = newOwner();
        String key = claimed(owner);
        assertThat(store().complete(key, owner, result, LONG)).isTrue();

        for (int replay = 0; replay < 2; replay++) {
            ClaimOutcome outcome = claim(key, newOwner());
            assertThat(outcome.state()).isEqualTo(State.COMPLETED);
            assertThat(outcome.leaseRemainingMillis()).isZero();
            assertThat(outcome.result()).hasSize(result.length);
            assertThat(outcome.result()).isEqualTo(result);
        }
    }

    @Test
    void theStoredResultCannotBeChangedThroughTheArraysPassedInOrOut() {
        String owner = newOwner();
        String key = claimed(owner);
        byte[] result = bytes("original");
        store().complete(key, owner, result, LONG);
        result[0] = 'X';

        claim(key, newOwner()).result()[1] = 'Y';
        assertThat(claim(key, newOwner()).result()).isEqualTo(bytes("original"));
    }

    @Test
    void completingTwiceFailsTheSecondTimeAndKeepsTheFirstResult() {
        String owner = newOwner();
        String key = claimed(owner);
        assertThat(store().complete(key, owner, bytes("first"), LONG)).isTrue();
        assertThat(store().complete(key, owner, bytes("second"), LONG)).isFalse();
        assertThat(claim(key, newOwner()).result()).isEqualTo(bytes("first"));
    }

    @Test
    void aCompletedRecordCanNeitherBeRenewedNorReleased() {
        String owner = newOwner();
        String key = claimed(owner);
        store().complete(key, owner, bytes("done"), LONG);

        assertThat(store().renew(key, owner, LONG)).isFalse();
        assertThat(store().release(key, owner)).isFalse();
        assertThat(claim(key, newOwner()).result()).isEqualTo(bytes("done"));
    }

    // ---- owner only ---------------------------------------------------------------------------------------------------

    @Test
    void anotherOwnerCanNeitherCompleteNorReleaseNorRenewAndChangesNothing() {
        String owner = newOwner();
        String key = claimed(owner);
        String intruder = newOwner();

        assertThat(store().complete(key, intruder, bytes("forged"), LONG)).isFalse();
        assertThat(store().release(key, intruder)).isFalse();
        assertThat(store().renew(key, intruder, 100 * LONG)).isFalse();

        ClaimOutcome meanwhile = claim(key, newOwner());
        assertThat(meanwhile.state()).as("neither completed nor released").isEqualTo(State.IN_PROGRESS);
        assertThat(meanwhile.leaseRemainingMillis()).as("not renewed").isBetween(1L, LONG);
        assertThat(store().complete(key, owner, bytes("genuine"), LONG)).isTrue();
        assertThat(claim(key, newOwner()).result()).isEqualTo(bytes("genuine"));
    }

    @Test
    void nothingHappensToAKeyThatWasNeverClaimed() {
        String key = freshKey();
        String owner = newOwner();
        assertThat(store().complete(key, owner, bytes("orphan"), LONG)).isFalse();
        assertThat(store().renew(key, owner, LONG)).isFalse();
        assertThat(store().release(key, owner)).isFalse();
        assertThat(claim(key, newOwner()).state()).as("complete created no record").isEqualTo(State.CLAIMED);
    }

    // ---- release ------------------------------------------------------------------------------------------------------

    @Test
    void afterAReleaseTheNextClaimGoesAhead() {
        String owner = newOwner();
        String key = claimed(owner);
        assertThat(store().release(key, owner)).isTrue();
        assertThat(store().release(key, owner)).as("nothing left to release").isFalse();

        String next = newOwner();
        assertThat(store().claim(key, "fp-2", next, LONG).state())
                .as("a released key holds no fingerprint either").isEqualTo(State.CLAIMED);
        assertThat(store().complete(key, owner, bytes("stale"), LONG)).isFalse();
        assertThat(store().complete(key, next, bytes("fresh"), LONG)).isTrue();
        assertThat(store().claim(key, "fp-2", newOwner(), LONG).result()).isEqualTo(bytes("fresh"));
    }

    // ---- leases -------------------------------------------------------------------------------------------------------

    @Test
    void anExpiredLeaseLetsAnotherOwnerClaimAndTheFirstOwnerChangesNothingOfItsRecord() {
        String key = freshKey();
        String first = newOwner();
        assertThat(store().claim(key, FINGERPRINT, first, SHORT).state()).isEqualTo(State.CLAIMED);

        String second = newOwner();
        awaitUntil("the first lease to run out", () -> claim(key, second).state() == State.CLAIMED);

        assertThat(store().complete(key, first, bytes("late"), LONG)).isFalse();
        assertThat(store().release(key, first)).isFalse();
        assertThat(store().renew(key, first, LONG)).isFalse();

        ClaimOutcome meanwhile = claim(key, newOwner());
        assertThat(meanwhile.state()).isEqualTo(State.IN_PROGRESS);
        assertThat(meanwhile.leaseRemainingMillis()).as("the second owner's long lease").isGreaterThan(SHORT);
        assertThat(store().complete(key, second, bytes("on time"), LONG)).isTrue();
        assertThat(claim(key, newOwner()).result()).isEqualTo(bytes("on time"));
    }

    @Test
    void aRenewedLeaseOutlivesTheOriginalOne() throws InterruptedException {
        long original = 2_000;
        String key = freshKey();
        String owner = newOwner();
        assertThat(store().claim(key, FINGERPRINT, owner, original).state()).isEqualTo(State.CLAIMED);
        assertThat(store().renew(key, owner, LONG)).isTrue();
        assertThat(claim(key, newOwner()).leaseRemainingMillis()).isGreaterThan(original);

        Thread.sleep(original + 500);
        assertThat(claim(key, newOwner()).state()).as("still running past the original lease")
                .isEqualTo(State.IN_PROGRESS);
        assertThat(store().complete(key, owner, bytes("done"), LONG)).isTrue();
    }

    @Test
    void renewCanAlsoShortenTheLease() {
        // The lease is set to the given time from now, not added to what remains.
        String owner = newOwner();
        String key = claimed(owner);
        assertThat(store().renew(key, owner, SHORT)).isTrue();
        awaitUntil("the shortened lease to run out", () -> claim(key, newOwner()).state() == State.CLAIMED);
    }

    @Test
    void aCompletedRecordExpiresAfterItsTimeToLive() {
        String owner = newOwner();
        String key = claimed(owner);
        assertThat(store().complete(key, owner, bytes("short-lived"), SHORT)).isTrue();

        awaitUntil("the completed record to expire", () -> claim(key, newOwner()).state() == State.CLAIMED);
    }

    @Test
    void theTimeToLiveReplacesTheLease() throws InterruptedException {
        // Completed with a long time to live shortly before a short lease would have ended: the result stays.
        String key = freshKey();
        String owner = newOwner();
        store().claim(key, FINGERPRINT, owner, 3_000);
        assertThat(store().complete(key, owner, bytes("kept"), LONG)).isTrue();
        Thread.sleep(3_500);
        assertThat(claim(key, newOwner()).result()).isEqualTo(bytes("kept"));
    }

    // ---- contention -----------------------------------------------------------------------------------------------

    @RepeatedTest(10)
    void exactlyOneOfManySimultaneousClaimsWins() throws Exception {
        String key = freshKey();
        CyclicBarrier start = new CyclicBarrier(CALLERS);
        List<Future<ClaimOutcome>> claims = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            claims.add(callers.submit(() -> {
                String owner = newOwner();
                start.await();
                return claim(key, owner);
            }));
        }
        int claimed = 0;
        int inProgress = 0;
        for (Future<ClaimOutcome> claim : claims) {
            switch (claim.get().state()) {
                case CLAIMED -> claimed++;
                case IN_PROGRESS -> inProgress++;
                default -> throw new AssertionError("unexpected " + claim.get());
            }
        }
        assertThat(claimed).isEqualTo(1);
        assertThat(inProgress).isEqualTo(CALLERS - 1);
    }

    @RepeatedTest(5)
    void exactlyOneOfManySimultaneousClaimsWinsAfterAnExpiredLease() throws Exception {
        // The expired record is replaced exactly once, whoever sees it expired first.
        String key = freshKey();
        store().claim(key, FINGERPRINT, newOwner(), 1);
        Thread.sleep(50);
        CyclicBarrier start = new CyclicBarrier(CALLERS);
        List<Future<ClaimOutcome>> claims = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            claims.add(callers.submit(() -> {
                String owner = newOwner();
                start.await();
                return claim(key, owner);
            }));
        }
        int claimed = 0;
        for (Future<ClaimOutcome> claim : claims) {
            if (claim.get().state() == State.CLAIMED) {
                claimed++;
            }
        }
        assertThat(claimed).isEqualTo(1);
    }

    /** The result of the {@code i}-th of many callers: sizes from empty to 64 KB, contents that tell them apart. */
    private static byte[] resultOf(int i) {
        byte[] result = new byte[i % 8 == 7 ? 65_536 : (i * 37) % 1000];
        new Random(i).nextBytes(result);
        return result;
    }

    @RepeatedTest(3)
    void manySimultaneousFirstCallsOnDistinctKeysEachStoreAndReplayTheirOwnResult() throws Exception {
        // Whatever operations meet in flight (a store may send them together), each gets its own answer.
        int count = 64;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(freshKey());
        }
        CyclicBarrier start = new CyclicBarrier(count);
        List<Future<Boolean>> firstCalls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int caller = i;
            firstCalls.add(callers.submit(() -> {
                String owner = newOwner();
                start.await();
                assertThat(claim(keys.get(caller), owner).state()).isEqualTo(State.CLAIMED);
                return store().complete(keys.get(caller), owner, resultOf(caller), LONG);
            }));
        }
        for (Future<Boolean> firstCall : firstCalls) {
            assertThat(firstCall.get()).isTrue();
        }
        CyclicBarrier again = new CyclicBarrier(count);
        List<Future<ClaimOutcome>> replays = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int caller = i;
            replays.add(callers.submit(() -> {
                String owner = newOwner();
                again.await();
                return claim(keys.get(caller), owner);
            }));
        }
        for (int i = 0; i < count; i++) {
            ClaimOutcome replay = replays.get(i).get();
            assertThat(replay.state()).isEqualTo(State.COMPLETED);
            assertThat(replay.result()).as("caller %d's result", i).isEqualTo(resultOf(i));
        }
    }

    @RepeatedTest(3)
    void simultaneousOperationsOfEveryKindEachGetTheirOwnAnswer() throws Exception {
        // 16 keys, each claimed by its owner; then at once, per key: its owner completes, renews and releases it,
        // an intruder tries the same, and others claim it. Whatever order the store runs them in, each key ends
        // completed with its owner's result (complete won before release), or free (release won before complete).
        int keyCount = 16;
        List<String> keys = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            owners.add(newOwner());
            keys.add(claimed(owners.get(i)));
        }
        int perKey = 6;
        CyclicBarrier start = new CyclicBarrier(keyCount * perKey);
        List<Future<Object>> answers = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            String key = keys.get(i);
            String owner = owners.get(i);
            byte[] result = resultOf(i);
            for (int kind = 0; kind < perKey; kind++) {
                int k = kind;
                answers.add(callers.submit(() -> {
                    String intruder = newOwner();
                    start.await();
                    return switch (k) {
                        case 0 -> store().complete(key, owner, result, LONG);
                        case 1 -> store().release(key, owner);
                        case 2 -> store().renew(key, owner, LONG);
                        case 3 -> store().complete(key, intruder, bytes("forged"), LONG);
                        case 4 -> store().release(key, intruder);
                        default -> store().claim(key, "fp-other", intruder, LONG);
                    };
                }));
            }
        }
        for (int i = 0; i < keyCount; i++) {
            boolean completed = (Boolean) answers.get(i * perKey).get();
            boolean released = (Boolean) answers.get(i * perKey + 1).get();
            assertThat(completed).as("key %d: exactly one of complete and release", i).isNotEqualTo(released);
            assertThat((Boolean) answers.get(i * perKey + 3).get()).as("the intruder's complete").isFalse();
            assertThat((Boolean) answers.get(i * perKey + 4).get()).as("the intruder's release").isFalse();
            ClaimOutcome other = (ClaimOutcome) answers.get(i * perKey + 5).get();
            ClaimOutcome after = claim(keys.get(i), newOwner());
            if (completed) {
                assertThat(other.state()).as("key %d: another fingerprint on a record", i).isEqualTo(State.MISMATCH);
                assertThat(after.result()).as("key %d", i).isEqualTo(resultOf(i));
            } else if (other.state() == State.CLAIMED) {
                assertThat(after.state()).as("key %d: claimed after the release", i).isEqualTo(State.MISMATCH);
            } else {
                assertThat(other.state()).as("key %d: before the release", i).isEqualTo(State.MISMATCH);
                assertThat(after.state()).as("key %d: free after the release", i).isEqualTo(State.CLAIMED);
            }
        }
    }

    // ---- independence and arguments --------------------------------------------------------------------------------

    @Test
    void keysAreIndependent() {
        String owner = newOwner();
        String one = claimed(owner);
        String two = claimed(owner);

        assertThat(store().complete(one, owner, bytes("one"), LONG)).isTrue();
        assertThat(claim(two, newOwner()).state()).isEqualTo(State.IN_PROGRESS);
        assertThat(store().claim(two, "fp-2", newOwner(), LONG).state()).isEqualTo(State.MISMATCH);
        assertThat(store().release(two, owner)).isTrue();
        assertThat(claim(one, newOwner()).result()).isEqualTo(bytes("one"));
        assertThat(claim(two, newOwner()).state()).isEqualTo(State.CLAIMED);
    }

    @Test
    void aLeaseOrTimeToLiveMustBePositive() {
        String owner = newOwner();
        String key = claimed(owner);
        assertThatThrownBy(() -> store().claim(freshKey(), FINGERPRINT, owner, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseMillis");
        assertThatThrownBy(() -> store().renew(key, owner, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseMillis");
        assertThatThrownBy(() -> store().complete(key, owner, bytes("x"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttlMillis");
        assertThat(claim(key, newOwner()).state()).as("untouched").isEqualTo(State.IN_PROGRESS);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Polls {@code condition} until it holds; fails only if it still does not after {@link #EXPIRY_DEADLINE}. */
    protected static void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + EXPIRY_DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Waited " + EXPIRY_DEADLINE + " for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what, e);
            }
        }
    }
}
