/**
 * The rate-limit engine: policies, requests, decisions and the backend interface.
 *
 * <h2>Semantics every backend implements</h2>
 *
 * Time is one clock per backend in milliseconds ({@code now}): Redis {@code TIME} for the Redis backend, never the
 * application server's clock. {@code L} = limit, {@code W} = window in ms, {@code C} = capacity, {@code c} = cost.
 * All limits of a call are checked first; only if all pass does any consume (all or nothing).
 *
 * <ul>
 *   <li><b>FIXED_WINDOW</b>: windows aligned to the epoch, {@code start = now - now % W}. The count is that of
 *       the current window (0 if the stored state belongs to another window: the window's start is stored with
 *       the count and compared, never inferred from expiry). Permitted iff {@code count + c <= L}; then
 *       {@code count += c}. remaining = {@code L - count} (count after the call); reset = {@code start + W - now}
 *       ({@code 0} while the window's count is 0);
 *       retryAfter (refused) = reset. State expires at the window's end.</li>
 *   <li><b>SLIDING_WINDOW</b>: a log of one timestamp per permit; entries with {@code ts <= now - W} are dropped
 *       first. Permitted iff {@code n + c <= L} ({@code n} = entries left); then {@code c} entries at {@code now}
 *       are added. remaining = {@code L} minus the entries after the call; reset = {@code newest + W - now} (0 when empty);
 *       retryAfter (refused) = {@code ts[k] + W - now} where {@code ts[k]} is the {@code (n + c - L)}-th oldest
 *       entry. State expires {@code W} after its newest entry.</li>
 *   <li><b>TOKEN_BUCKET</b>: tokens (a real number) and the time of the last refill; a missing bucket is full.
 *       {@code tokens = min(C, tokens + max(0, now - last) * L / W)} (a clock that steps back refills
 *       nothing). Permitted iff {@code tokens >= c}; then
 *       {@code tokens -= c} and the bucket is stored with {@code last = now}; a refused call stores nothing.
 *       remaining = {@code floor(tokens)}; reset = {@code ceil((C - tokens) * W / L)};
 *       retryAfter (refused) = {@code ceil((c - tokens) * W / L)}. State expires when the bucket would be full
 *       again (a missing bucket is full, so nothing is lost).</li>
 * </ul>
 *
 * A peek computes the same numbers without dropping, adding or storing anything.
 */
package dev.tollgate.internal.ratelimit;
