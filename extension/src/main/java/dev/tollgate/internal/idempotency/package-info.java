/**
 * Idempotency records: what a store keeps per idempotency key, and the transitions between its states.
 *
 * <h2>States</h2>
 * A key has no record, or one record in one of two states:
 * <ul>
 *   <li><b>in progress</b>: a caller claimed the key and is running the call. The record holds the request's
 *       fingerprint, the caller's owner token (random, one per call) and a lease: it lives until the lease ends.</li>
 *   <li><b>completed</b>: the call returned. The record holds the fingerprint and the result (opaque bytes) and
 *       lives for the method's time to live; every claim with the same fingerprint replays the result.</li>
 * </ul>
 *
 * <h2>Transitions</h2>
 * <pre>
 *   (none) ──claim──▶ in progress ──complete (owner)──▶ completed ──ttl ends──▶ (none)
 *                         │ ▲
 *                         │ └──renew (owner): the lease starts again
 *                         ├──release (owner, e.g. the call threw)──▶ (none)
 *                         └──lease ends (the owner's instance died, or it stopped renewing)──▶ (none)
 * </pre>
 * A claim on an existing record changes nothing: it reports mismatch (another fingerprint, whatever the state),
 * completed (with the result) or in progress (with the lease's remaining time). Complete, renew and release are
 * compare-and-set on the owner token, so a caller whose lease ended, and whose key another caller has claimed
 * since, gets {@code false} and leaves the newer record as it is. Every record expires: nothing is kept without a
 * time limit.
 *
 * <p>Two stores implement {@link dev.tollgate.internal.idempotency.IdempotencyStore}: Redis
 * ({@link dev.tollgate.internal.redis.RedisIdempotencyStore}, shared by all instances) and memory
 * ({@link dev.tollgate.internal.local.InMemoryIdempotencyStore}, one JVM). One contract test suite holds both to
 * the same answers.
 */
package dev.tollgate.internal.idempotency;
