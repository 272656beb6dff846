package dev.tollgate.internal.idempotency;

import dev.tollgate.internal.resilience.BackendUnavailableException;

/**
 * Where idempotency records live: one record per scoped key, in one of two states.
 *
 * <ul>
 *   <li><b>in progress</b>: claimed by one owner (a random token the caller made), with the request's fingerprint
 *       and a lease. The record disappears when the lease runs out, so a retry can go ahead after the owner's
 *       instance died.</li>
 *   <li><b>completed</b>: the fingerprint and the stored result (opaque bytes: the store never reads them), kept
 *       for the completion's time to live.</li>
 * </ul>
 *
 * Every transition is atomic in the store. {@link #complete}, {@link #release} and {@link #renew} are
 * compare-and-set on the owner token: a caller whose lease ran out and whose key was claimed again changes
 * nothing of the newer owner's record.
 *
 * <p>Keys arrive already scoped and hashed by the caller (short, URL-safe text); a store only prefixes them.
 * Implementations are thread-safe; one that cannot reach its store throws {@link BackendUnavailableException}
 * within a bounded time. An operation that timed out may still have been applied (the request reached the server,
 * the answer did not come back in time): a claim may have created the caller's record, which then lives until its
 * lease ends unless the caller releases it; a complete may have stored the result. Every such record expires.
 */
public interface IdempotencyStore extends AutoCloseable {

    /**
     * Claims {@code key} for {@code owner} if no record exists; otherwise reports the record. In order: no record
     * → claimed (a new in-progress record with {@code fingerprint} and a lease of {@code leaseMillis}); a record
     * with another fingerprint → mismatch; a completed record → completed, with its result; else in progress,
     * with the lease's remaining time. An owner that claims its own in-progress key again gets in progress.
     *
     * @param leaseMillis how long the new record lives unless renewed or completed, {@code > 0}
     * @throws IllegalArgumentException    if {@code leaseMillis <= 0}
     * @throws BackendUnavailableException if the store did not answer in time
     */
    ClaimOutcome claim(String key, String fingerprint, String owner, long leaseMillis);

    /**
     * Extends the lease of {@code owner}'s in-progress record to {@code leaseMillis} from now.
     *
     * @param leaseMillis the new lease, from now, {@code > 0}
     * @return {@code false} if the record is gone, completed, or claimed by another owner
     * @throws IllegalArgumentException    if {@code leaseMillis <= 0}
     * @throws BackendUnavailableException if the store did not answer in time
     */
    boolean renew(String key, String owner, long leaseMillis);

    /**
     * Turns {@code owner}'s in-progress record into a completed one holding {@code result}, kept for
     * {@code ttlMillis}.
     *
     * @param result    the bytes to replay, possibly empty; the store keeps its own copy
     * @param ttlMillis how long the completed record is kept, {@code > 0}
     * @return {@code false}, storing nothing, if the record is gone, completed, or claimed by another owner
     * @throws IllegalArgumentException    if {@code ttlMillis <= 0}
     * @throws BackendUnavailableException if the store did not answer in time
     */
    boolean complete(String key, String owner, byte[] result, long ttlMillis);

    /**
     * Deletes {@code owner}'s in-progress record, so that the next claim goes ahead.
     *
     * @return {@code false}, deleting nothing, if the record is gone, completed, or claimed by another owner
     * @throws BackendUnavailableException if the store did not answer in time
     */
    boolean release(String key, String owner);

    /** Checks that the store answers, within the same bound as a claim. */
    void ping();

    /** A short name for logs and health: {@code redis} or {@code memory}. */
    String name();

    /** Releases what the store owns. Idempotent. */
    @Override
    void close();
}
