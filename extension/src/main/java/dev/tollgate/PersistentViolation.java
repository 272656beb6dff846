package dev.tollgate;

import java.time.Duration;
import java.time.Instant;

/**
 * A CDI event fired once per partition and violation period, when a partition has been refused more than
 * {@code tollgate.violations.persistent-threshold} times in the period (counted across every instance with Redis).
 * Observe it ({@code void on(@Observes PersistentViolation violation)}) to block, notify or audit. It is fired on
 * Tollgate's own thread, a second or so after the refusal that crossed the threshold, outside any request.
 *
 * @param limiter       the limiter that refused the partition
 * @param method        the guarded method that was called last, {@code com.acme.LoginResource#login(String)}
 * @param key           the limit's partition key source ({@code ip}, {@code principal}, {@code header:X-Api-Key},
 *                      ...; empty for one limit shared by all callers)
 * @param partition     the partition's hash, or the caller's value in clear with {@code tollgate.violations.identities}
 * @param refusals      refusals in the period when the threshold was crossed
 * @param periodStart   when the period began
 * @param period        the length of a period
 * @param clientAddress the address of the last refused request's peer, or {@code null} when not called over HTTP
 * @param shadow        whether the limit is in shadow mode (the calls were let through)
 */
public record PersistentViolation(String limiter, String method, String key, String partition, long refusals,
                                  Instant periodStart, Duration period, String clientAddress, boolean shadow) {
}
