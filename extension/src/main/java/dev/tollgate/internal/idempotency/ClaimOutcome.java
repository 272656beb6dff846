package dev.tollgate.internal.idempotency;

import java.util.Objects;

/**
 * What {@link IdempotencyStore#claim} found.
 *
 * @param state           which of the four cases
 * @param result          the stored result when {@link State#COMPLETED}, else {@code null}
 * @param leaseRemainingMillis when {@link State#IN_PROGRESS}, how long the current owner's lease still runs
 *                        (at least 1), else 0
 */
public record ClaimOutcome(State state, byte[] result, long leaseRemainingMillis) {

    public enum State {
        /** The caller now owns a new in-progress record and must run the call, then complete or release. */
        CLAIMED,
        /** Another call with the same key and fingerprint is running. */
        IN_PROGRESS,
        /** A call with the same key and fingerprint completed; its result is to be replayed. */
        COMPLETED,
        /** The key is in use (in progress or completed) with another fingerprint. */
        MISMATCH
    }

    private static final ClaimOutcome CLAIMED = new ClaimOutcome(State.CLAIMED, null, 0);
    private static final ClaimOutcome MISMATCH = new ClaimOutcome(State.MISMATCH, null, 0);

    public ClaimOutcome {
        Objects.requireNonNull(state, "state");
        if ((state == State.COMPLETED) != (result != null)) {
            throw new IllegalArgumentException("a result belongs to COMPLETED only, was " + state);
        }
        if ((state == State.IN_PROGRESS) != (leaseRemainingMillis > 0)) {
            throw new IllegalArgumentException("a remaining lease belongs to IN_PROGRESS only, was " + state
                    + " with " + leaseRemainingMillis + " ms");
        }
    }

    public static ClaimOutcome claimed() {
        return CLAIMED;
    }

    public static ClaimOutcome mismatch() {
        return MISMATCH;
    }

    public static ClaimOutcome inProgress(long leaseRemainingMillis) {
        return new ClaimOutcome(State.IN_PROGRESS, null, Math.max(1, leaseRemainingMillis));
    }

    public static ClaimOutcome completed(byte[] result) {
        return new ClaimOutcome(State.COMPLETED, Objects.requireNonNull(result, "result"), 0);
    }
}
