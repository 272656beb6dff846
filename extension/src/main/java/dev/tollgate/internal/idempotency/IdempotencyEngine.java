package dev.tollgate.internal.idempotency;

import dev.tollgate.IdempotencyConflictException;
import dev.tollgate.IdempotencyKeyMismatchException;
import dev.tollgate.Idempotent;
import dev.tollgate.internal.lease.LeaseRenewals;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.internal.resilience.CircuitOpenException;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * Claims keys for idempotent calls: a new key is claimed (and its lease renewed until the call finishes), a
 * completed one yields its stored result, a running one is waited for up to the method's {@code maxWait} and then
 * refused as a conflict, and a key used with another fingerprint is refused as a mismatch. Counts every outcome.
 */
public final class IdempotencyEngine implements AutoCloseable {

    /** How often a waiting duplicate asks again whether the running call finished. */
    private static final long POLL_MILLIS = 50;
    /** The {@code Retry-After} of a conflict: a running call usually finishes within it. */
    private static final Duration CONFLICT_RETRY_AFTER = Duration.ofSeconds(1);

    private final IdempotencyStore store;
    private final LeaseRenewals renewals = new LeaseRenewals("an idempotency lease");
    private final long leaseMillis;
    private final GuardMetrics metrics;
    private final Transactions transactions;
    private final ResponseLimits responses;
    private final SecureRandom random = new SecureRandom();

    public IdempotencyEngine(IdempotencyStore store, long leaseMillis, GuardMetrics metrics,
                             Transactions transactions, ResponseLimits responses) {
        this.store = store;
        this.leaseMillis = leaseMillis;
        this.metrics = metrics;
        this.transactions = transactions;
        this.responses = responses;
    }

    /**
     * The result of {@link #claim}: a claim to run under, a stored result to replay, or neither: the store is
     * unavailable and the method's failure mode is {@code EXECUTE}, so the call runs unguarded.
     */
    public record Attempt(HeldClaim claim, StoredResult replay) {

        private static final Attempt UNGUARDED = new Attempt(null, null);

        /** The call runs without a claim, and its result is not stored. */
        public boolean unguarded() {
            return claim == null && replay == null;
        }
    }

    /**
     * Claims {@code key} for a call of {@code method}, waiting for a running duplicate up to the method's
     * {@code maxWait}.
     *
     * @throws IdempotencyConflictException    if a call with the key is still running
     * @throws IdempotencyKeyMismatchException if the key was used with another fingerprint
     * @throws BackendUnavailableException     if the store did not answer and the method's failure mode is
     *                                         {@code REJECT}
     */
    public Attempt claim(IdempotentMethod method, String key, String fingerprint) {
        String owner = newOwner();
        long deadline = System.nanoTime() + method.settings().maxWaitMillis() * 1_000_000;
        while (true) {
            ClaimOutcome outcome;
            try {
                outcome = store.claim(key, fingerprint, owner, leaseMillis);
            } catch (BackendUnavailableException e) {
                if (!(e instanceof CircuitOpenException)) {
                    // The claim may have reached Redis although its answer did not reach us: free it if so.
                    releaseQuietly(key, owner);
                }
                Idempotent.FailureMode mode = method.settings().failureMode();
                metrics.recordIdempotencyFallback(mode);
                if (mode == Idempotent.FailureMode.EXECUTE) {
                    return Attempt.UNGUARDED;
                }
                throw e;
            }
            switch (outcome.state()) {
                case CLAIMED: {
                    HeldClaim claim = new HeldClaim(store, method.scope(), key, owner);
                    claim.renewWith(renewals, leaseMillis);
                    record(method, "executed");
                    return new Attempt(claim, null);
                }
                case COMPLETED:
                    record(method, "replayed");
                    return new Attempt(null, StoredResult.decode(outcome.result()));
                case MISMATCH:
                    record(method, "mismatch");
                    throw new IdempotencyKeyMismatchException(method.scope());
                default:
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        record(method, "conflict");
                        throw new IdempotencyConflictException(method.scope(), CONFLICT_RETRY_AFTER);
                    }
                    pause(Math.min(left, Math.min(POLL_MILLIS, outcome.leaseRemainingMillis())));
            }
        }
    }

    /** Counts a call refused for its key before claiming (missing or malformed). */
    public void invalid(IdempotentMethod method) {
        record(method, "invalid");
    }

    public Transactions transactions() {
        return transactions;
    }

    public ResponseLimits responses() {
        return responses;
    }

    public IdempotencyStore store() {
        return store;
    }

    private void record(IdempotentMethod method, String result) {
        metrics.recordIdempotency(method.scope(), result);
    }

    private String newOwner() {
        byte[] token = new byte[16];
        random.nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    private void releaseQuietly(String key, String owner) {
        try {
            store.release(key, owner);
        } catch (RuntimeException ignored) {
            // Still unreachable: the lease will free the key.
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("Interrupted while waiting for a running idempotent call", e);
        }
    }

    @Override
    public void close() {
        renewals.close();
        store.close();
    }
}
