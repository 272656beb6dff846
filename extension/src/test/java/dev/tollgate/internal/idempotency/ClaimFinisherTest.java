package dev.tollgate.internal.idempotency;

import dev.tollgate.internal.local.InMemoryIdempotencyStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The outcome of a call and the end of its transaction, arriving in either order. */
class ClaimFinisherTest {

    private static final long LEASE = 60_000;
    private static final StoredResult RESULT = new StoredResult.Value("\"done\"".getBytes(StandardCharsets.UTF_8));

    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    private final HeldClaim claim = claim("k");
    private final ClaimFinisher finisher = new ClaimFinisher(claim, LEASE);

    /** A transaction that is open until the test ends it through {@link #end}. */
    private Consumer<Boolean> end;
    private final Transactions open = afterCompletion -> {
        end = afterCompletion;
        return true;
    };

    private HeldClaim claim(String key) {
        assertThat(store.claim(key, "fp", "owner", LEASE).state()).isEqualTo(ClaimOutcome.State.CLAIMED);
        return new HeldClaim(store, "scope", key, "owner");
    }

    private ClaimOutcome.State stateSeenByADuplicate() {
        return store.claim("k", "fp", "other", LEASE).state();
    }

    @Test
    void withoutATransactionTheResultIsStoredWhenItArrives() {
        finisher.followTransaction(Transactions.NONE);
        assertThat(stateSeenByADuplicate()).isEqualTo(ClaimOutcome.State.IN_PROGRESS);
        finisher.finish(RESULT);
        assertThat(stateSeenByADuplicate()).isEqualTo(ClaimOutcome.State.COMPLETED);
    }

    @Test
    void aResultArrivingBeforeTheCommitIsStoredOnlyAfterIt() {
        finisher.followTransaction(open);
        finisher.finish(RESULT);
        assertThat(stateSeenByADuplicate()).isEqualTo(ClaimOutcome.State.IN_PROGRESS);
        end.accept(true);
        assertThat(stateSeenByADuplicate()).isEqualTo(ClaimOutcome.State.COMPLETED);
    }

    @Test
    void aCommitBeforeTheResultArrivesWaitsForTheResult() {
        finisher.followTransaction(open);
        end.accept(true);
        assertThat(stateSeenByADuplicate()).isEqualTo(ClaimOutcome.State.IN_PROGRESS);
        finisher.finish(RESULT);
        assertThat(stateSeenByADuplicate()).isEqualTo(ClaimOutcome.State.COMPLETED);
    }

    @Test
    void aRollbackFreesTheKeyWhateverArrivesLater() {
        finisher.followTransaction(open);
        end.accept(false);
        assertThat(claim.held()).isFalse();
        finisher.finish(RESULT);
        assertThat(stateSeenByADuplicate()).as("free: a retry claims it").isEqualTo(ClaimOutcome.State.CLAIMED);
    }

    @Test
    void aTransactionThatCanOnlyRollBackFreesTheKeyAtOnce() {
        finisher.followTransaction(afterCompletion -> {
            afterCompletion.accept(false);
            return true;
        });
        finisher.finish(RESULT);
        assertThat(stateSeenByADuplicate()).isEqualTo(ClaimOutcome.State.CLAIMED);
    }

    @Test
    void noResultFreesTheKey() {
        finisher.followTransaction(Transactions.NONE);
        finisher.finish(null);
        assertThat(stateSeenByADuplicate()).isEqualTo(ClaimOutcome.State.CLAIMED);
    }
}
