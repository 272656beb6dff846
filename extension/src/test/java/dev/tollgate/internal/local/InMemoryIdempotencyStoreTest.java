package dev.tollgate.internal.local;

import dev.tollgate.internal.idempotency.ClaimOutcome;
import dev.tollgate.internal.idempotency.ClaimOutcome.State;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only the in-memory store has to show: expiry on its clock to the millisecond, and its bound. */
class InMemoryIdempotencyStoreTest {

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLeaseEndsExactlyWhenTheClockReachesIt() {
        try (InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, 1_000)) {
            store.claim("k", "fp", "first", 1_000);
            clock.advance(999);
            ClaimOutcome running = store.claim("k", "fp", "second", 1_000);
            assertThat(running.state()).isEqualTo(State.IN_PROGRESS);
            assertThat(running.leaseRemainingMillis()).isEqualTo(1);

            clock.advance(1);
            assertThat(store.complete("k", "first", bytes("late"), 60_000)).isFalse();
            assertThat(store.claim("k", "fp", "second", 1_000).state()).isEqualTo(State.CLAIMED);
            assertThat(store.release("k", "first")).isFalse();
            assertThat(store.complete("k", "second", bytes("on time"), 60_000)).isTrue();
        }
    }

    @Test
    void aRenewalStartsTheLeaseAgainFromNow() {
        try (InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, 1_000)) {
            store.claim("k", "fp", "owner", 1_000);
            clock.advance(900);
            assertThat(store.renew("k", "owner", 1_000)).isTrue();
            assertThat(store.claim("k", "fp", "other", 1_000).leaseRemainingMillis()).isEqualTo(1_000);

            clock.advance(999);
            assertThat(store.claim("k", "fp", "other", 1_000).state()).isEqualTo(State.IN_PROGRESS);
            clock.advance(1);
            assertThat(store.renew("k", "owner", 1_000)).as("too late").isFalse();
            assertThat(store.claim("k", "fp", "other", 1_000).state()).isEqualTo(State.CLAIMED);
        }
    }

    @Test
    void aCompletedRecordIsKeptForItsTimeToLiveFromCompletion() {
        try (InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, 1_000)) {
            store.claim("k", "fp", "owner", 1_000);
            clock.advance(500);
            store.complete("k", "owner", bytes("result"), 5_000);

            clock.advance(4_999);
            assertThat(store.claim("k", "fp", "other", 1_000).result()).isEqualTo(bytes("result"));
            clock.advance(1);
            assertThat(store.claim("k", "fp", "other", 1_000).state()).isEqualTo(State.CLAIMED);
        }
    }

    @Test
    void expiredRecordsLeaveTheCacheOnTheStoresClock() {
        try (InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, 1_000)) {
            store.claim("running", "fp", "owner", 1_000);
            store.claim("done", "fp", "owner", 1_000);
            store.complete("done", "owner", bytes("result"), 2_000);
            assertThat(store.storedRecords()).isEqualTo(2);

            clock.advance(1_000);
            assertThat(store.storedRecords()).isEqualTo(1);
            clock.advance(1_000);
            assertThat(store.storedRecords()).isZero();
        }
    }

    @Test
    void releasedRecordsLeaveTheCache() {
        try (InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, 1_000)) {
            store.claim("k", "fp", "owner", 1_000);
            store.release("k", "owner");
            assertThat(store.storedRecords()).isZero();
        }
    }

    @Test
    void aFullStoreRefusesNewKeysAndKeepsEveryRecordUntilItExpires() {
        try (InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, 100)) {
            for (int i = 0; i < 100; i++) {
                assertThat(store.claim("k" + i, "fp", "owner", 60_000).state()).isEqualTo(State.CLAIMED);
                if (i % 2 == 0) {
                    store.complete("k" + i, "owner", bytes("result " + i), 60_000);
                }
            }
            for (int i = 100; i < 1_000; i++) {
                String key = "k" + i;
                assertThatThrownBy(() -> store.claim(key, "fp", "owner", 60_000))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("full");
            }
            assertThat(store.storedRecords()).isEqualTo(100);
            // Every record is still there: running claims conflict, completed ones replay, owners can finish.
            assertThat(store.claim("k1", "fp", "other", 60_000).state()).isEqualTo(State.IN_PROGRESS);
            assertThat(store.claim("k0", "fp", "other", 60_000).state()).isEqualTo(State.COMPLETED);
            assertThat(store.renew("k1", "owner", 60_000)).isTrue();
            assertThat(store.complete("k3", "owner", bytes("r"), 60_000)).isTrue();
            assertThat(store.release("k5", "owner")).isTrue();
            // The released key made room for one new key.
            assertThat(store.claim("new", "fp", "owner", 60_000).state()).isEqualTo(State.CLAIMED);
            // Once records expire, new keys can be claimed again.
            clock.advance(120_000);
            assertThat(store.claim("k100", "fp", "owner", 60_000).state()).isEqualTo(State.CLAIMED);
        }
    }

    @Test
    void hugeDurationsSaturateRatherThanOverflow() {
        try (InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, 1_000)) {
            store.claim("k", "fp", "owner", Long.MAX_VALUE);
            clock.advance(365L * 24 * 3_600_000);
            assertThat(store.claim("k", "fp", "other", 1).state()).isEqualTo(State.IN_PROGRESS);
            assertThat(store.complete("k", "owner", bytes("r"), Long.MAX_VALUE)).isTrue();
            assertThat(store.claim("k", "fp", "other", 1).state()).isEqualTo(State.COMPLETED);
        }
    }

    @Test
    void theBoundMustBePositive() {
        assertThatThrownBy(() -> new InMemoryIdempotencyStore(clock, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maximumSize must be > 0, was 0");
    }

    @Test
    void itsNameIsMemoryAndItAlwaysAnswers() {
        try (InMemoryIdempotencyStore store = new InMemoryIdempotencyStore()) {
            assertThat(store.name()).isEqualTo("memory");
            store.ping();
        }
    }
}
