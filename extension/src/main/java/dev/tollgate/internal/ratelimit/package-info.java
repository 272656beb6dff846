/**
 * The rate-limit engine: policies, requests, decisions and the backend interface.
 *
 * <h2>Semantics every backend implements</h2>
 *
 * Time is one clock per backend in milliseconds ({@code now}): Redis {@code TIME} for the Redis backend, never the
 * application server's clock. {@code L} = limit, {@code W} = window in ms, {@code C} = capacity, {@code c} = cost.
 * All limits of a call are checked first; only if all pass does any consume (all or nothing).
 *
 * <p>Besides remaining, reset and retryAfter, each limit reports next: milliseconds until additional quota is made
 * available, i.e. until remaining grows by at least one if no one calls (the {@code t} of the {@code RateLimit}
 * header, draft-ietf-httpapi-ratelimit-headers-10 section 4.1.2). A limit at full capacity makes nothing more available
 * until a permit is taken; its next is how long a permit taken now would take to come back (each formula below says
 * what that is), and is never 0 (a {@code t=0} beside {@code r > 0} would read as an unbounded rate). For a refused call next is never more than retryAfter: more quota comes no later than enough
 * quota for the call.
 *
 * <ul>
 *   <li><b>FIXED_WINDOW</b>: windows aligned to the epoch, {@code start = now - now % W}. The count is that of
 *       the current window (0 if the stored state belongs to another window: the window's start is stored with
 *       the count and compared, never inferred from expiry). Permitted iff {@code count + c <= L}; then
 *       {@code count += c}. remaining = {@code L - count} (count after the call); reset = {@code start + W - now}
 *       ({@code 0} while the window's count is 0);
 *       retryAfter (refused) = reset; next = {@code start + W - now}, the window's end, even while the count is 0.
 *       State expires at the window's end.</li>
 *   <li><b>SLIDING_WINDOW</b>: a log of one timestamp per permit; entries with {@code ts <= now - W} are dropped
 *       first. Permitted iff {@code n + c <= L} ({@code n} = entries left); then {@code c} entries at {@code now}
 *       are added. remaining = {@code L} minus the entries after the call; reset = {@code newest + W - now} (0 when empty);
 *       retryAfter (refused) = {@code ts[k] + W - now} where {@code ts[k]} is the {@code (n + c - L)}-th oldest
 *       entry; next = {@code oldest + W - now} with {@code oldest} the oldest live entry after the call
 *       ({@code W} when there is none: an entry taken now). State expires {@code W} after its newest entry.</li>
 *   <li><b>TOKEN_BUCKET</b>: tokens (a real number) and the time of the last refill; a missing bucket is full.
 *       {@code tokens = min(C, tokens + max(0, now - last) * L / W)} (a clock that steps back refills
 *       nothing). Permitted iff {@code tokens >= c}; then
 *       {@code tokens -= c} and the bucket is stored with {@code last = now}; a refused call stores nothing.
 *       remaining = {@code floor(tokens)}; reset = {@code ceil((C - tokens) * W / L)};
 *       retryAfter (refused) = {@code ceil((c - tokens) * W / L)}; next = {@code ceil((floor(tokens) + 1 - tokens) * W
 *       / L)}, until the next whole token (a full bucket: {@code ceil(W / L)}, a token taken now coming back). State
 *       expires when the bucket would be full again (a missing bucket is full, so nothing is lost).</li>
 *   <li><b>GCRA</b>: one number, the theoretical arrival time {@code TAT}; a missing one is at rest
 *       ({@code TAT <= now}). Emission interval {@code T = W / L}, tolerance {@code τ = C × T} ({@code C} is the
 *       burst). Time is counted in units of {@code 1/L} ms, so that {@code T} is exactly {@code W} units and
 *       {@code τ} exactly {@code C × W} (at most 2<sup>50</sup>, checked by {@link LimitPolicy}); the TAT is kept as
 *       {@code TAT × L mod 2^52}, and {@code debt = max(TAT, now) - now} is read back as
 *       {@code (stored - now × L) mod 2^52}, a result of 2<sup>51</sup> or more meaning a TAT in the past
 *       ({@code debt = 0}) and one above {@code τ} (a changed policy, a clock that stepped back) counting as
 *       {@code τ}. Permitted iff {@code debt + c × T <= τ}; then {@code TAT = max(TAT, now) + c × T}, i.e.
 *       {@code debt += c × T}; a refused call stores nothing. With {@code debt} after the call:
 *       remaining = {@code floor((τ - debt) / T)}; reset = {@code ceil(debt)} in ms (back at rest);
 *       retryAfter (refused) = {@code ceil(debt + c × T - τ)} in ms, exact; next = {@code ceil((remaining + 1) × T -
 *       (τ - debt))} in ms, until the room {@code τ - debt} reaches one more whole emission interval (at rest: {@code T}).
 *       State expires at the TAT (rounded up to a millisecond), when the partition is back at rest.</li>
 * </ul>
 *
 * A peek computes the same numbers without dropping, adding or storing anything.
 */
package dev.tollgate.internal.ratelimit;
