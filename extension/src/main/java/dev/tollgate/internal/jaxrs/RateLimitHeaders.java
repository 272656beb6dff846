package dev.tollgate.internal.jaxrs;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.AppliedLimit;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.ratelimit.RateLimitResult;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Renders rate-limit response headers. Pure functions of their arguments; no clock is read here.
 *
 * <ul>
 *   <li>{@code RateLimit-Policy} and {@code RateLimit}: draft-ietf-httpapi-ratelimit-headers-10 (syntax unchanged
 *       from draft 08 to 11), structured-field lists with one member per limit, named by the limiter:
 *       {@code "name";q=<quota>;w=<window seconds>} and {@code "name";r=<remaining>;t=<seconds>}, where {@code t} is
 *       "the number of seconds until additional quota associated with the quota policy is made available" (draft 10,
 *       section 4.1.2), see {@link #seconds}. A {@code CONCURRENCY} limit is
 *       {@code "name";q=<calls at once>;qu="concurrent-requests"} and {@code "name";r=<calls that may still start>},
 *       without {@code w} and {@code t}: its permits come back when calls end, at no time it could announce.</li>
 *   <li>{@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset}: the de-facto headers
 *       (GitHub's convention), which describe one limit only: the most restrictive, see {@link #mostRestrictive}.</li>
 *   <li>{@code Retry-After}: whole seconds, rounded up, see {@link #retryAfterSeconds}.</li>
 * </ul>
 */
public final class RateLimitHeaders {

    public static final String RATE_LIMIT_POLICY = "RateLimit-Policy";
    public static final String RATE_LIMIT = "RateLimit";
    public static final String X_RATE_LIMIT_LIMIT = "X-RateLimit-Limit";
    public static final String X_RATE_LIMIT_REMAINING = "X-RateLimit-Remaining";
    public static final String X_RATE_LIMIT_RESET = "X-RateLimit-Reset";

    /** Largest structured-field Integer (RFC 8941 section 3.3.1: at most 15 digits); larger values are capped. */
    static final long MAX_SF_INTEGER = 999_999_999_999_999L;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RateLimitHeaders() {
    }

    /**
     * Every rate-limit header for {@code result}, in a stable order: {@code RateLimit-Policy}, {@code RateLimit},
     * then the three legacy headers. Empty if the result has no limits. {@code Retry-After} is not included: it
     * belongs to the refusal (see {@link RateLimitExceededMapper}).
     *
     * @param decidedAtEpochMillis when the decision was taken (Unix epoch milliseconds); only
     *                             {@code X-RateLimit-Reset} is absolute and needs it
     */
    public static Map<String, String> render(RateLimitResult result, long decidedAtEpochMillis) {
        Map<String, String> headers = new LinkedHashMap<>();
        render(result, decidedAtEpochMillis, headers::put);
        return headers;
    }

    /**
     * The headers of {@link #render(RateLimitResult, long)}, in the same order, handed to {@code headers} one by one
     * (the response filter writes them straight into the response, without a map in between).
     */
    public static void render(RateLimitResult result, long decidedAtEpochMillis,
                              BiConsumer<String, String> headers) {
        if (result.limits().isEmpty()) {
            return;
        }
        headers.accept(RATE_LIMIT_POLICY, policy(result));
        headers.accept(RATE_LIMIT, rateLimit(result));
        LimitOutcome legacy = result.decision().outcome(mostRestrictive(result));
        headers.accept(X_RATE_LIMIT_LIMIT, Long.toString(legacy.limit()));
        headers.accept(X_RATE_LIMIT_REMAINING, Long.toString(legacy.remaining()));
        headers.accept(X_RATE_LIMIT_RESET, Long.toString(resetEpochSeconds(legacy, decidedAtEpochMillis)));
    }

    /** {@code RateLimit-Policy}: {@code "name";q=<quota>;w=<window seconds>}, one member per limit. */
    public static String policy(RateLimitResult result) {
        StringBuilder out = new StringBuilder();
        for (AppliedLimit limit : result.limits()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            LimitPolicy policy = limit.policy();
            out.append(sfString(limit.name())).append(";q=").append(cap(policy.capacity()));
            if (policy.algorithm() == Algorithm.CONCURRENCY) {
                // calls at once: no window (the window of a concurrency limit is a lease, nothing a client can use)
                out.append(";qu=\"concurrent-requests\"");
            } else {
                out.append(";w=").append(windowSeconds(policy));
            }
        }
        return out.toString();
    }

    /** {@code RateLimit}: {@code "name";r=<remaining>;t=<seconds>}, one member per limit. */
    public static String rateLimit(RateLimitResult result) {
        StringBuilder out = new StringBuilder();
        List<AppliedLimit> limits = result.limits();
        for (int i = 0; i < limits.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            LimitOutcome outcome = result.decision().outcome(i);
            out.append(sfString(limits.get(i).name()))
                    .append(";r=").append(cap(outcome.remaining()));
            if (limits.get(i).policy().algorithm() != Algorithm.CONCURRENCY) {
                // A concurrency permit comes back when a running call ends: no time to announce.
                out.append(";t=").append(seconds(outcome));
            }
        }
        return out.toString();
    }

    /**
     * The {@code w} parameter: the window in whole seconds, rounded up (the field has no sub-second precision and
     * must not be 0).
     *
     * <p>A token bucket has no window of its own, nor has a GCRA. Its quota {@code q} is the capacity (the burst a
     * client may spend at once), so {@code w} is the time the bucket takes to refill that capacity from empty (a GCRA:
     * to come back to rest from a whole burst): {@code capacity × window / limit}. {@code q/w} then equals the sustained rate, as it does for a window, and
     * {@code q} tells the client how much it may send in one go.
     */
    static long windowSeconds(LimitPolicy policy) {
        if (LimitPolicy.hasBurst(policy.algorithm())) {
            return multiplyDivideCeil(policy.capacity(), policy.windowMillis(), policy.limit() * 1000);
        }
        return cap(ceilDiv(policy.windowMillis(), 1000));
    }

    /**
     * The {@code t} parameter, in whole seconds rounded up: until additional quota is made available
     * ({@code nextMillis}), i.e. until {@code r} grows if the client makes no call. That is the window's end for a
     * fixed window, the oldest live entry's expiry for a sliding window, the next whole token for a token bucket and
     * the next emission interval that raises {@code r} for a GCRA, not the time until the limit is full again (which
     * {@code X-RateLimit-Reset} keeps). A limit at full capacity reports how long a permit taken now would take to come
     * back. It is also the longest span within which the client can use no more than {@code r} (the "effective
     * window" draft 11 calls {@code t}).
     *
     * <p>A limit that refused a call has {@code nextMillis <= retryAfterMillis} (more quota comes no later than enough
     * for the call), so the {@code Retry-After} of a refusal, the longest wait of the limits that refused it, never
     * points earlier than their {@code t}, as draft 10 section 6 asks ("SHOULD NOT reference a point in time earlier
     * than the reset parameter").
     */
    private static long seconds(LimitOutcome outcome) {
        return cap(ceilDiv(Math.max(0, outcome.nextMillis()), 1000));
    }

    /**
     * The index of the limit the legacy headers describe: among the limits that refused, the one asking for the
     * longest wait; when none refused, the one with the fewest permits remaining. Ties go to the first.
     */
    public static int mostRestrictive(RateLimitResult result) {
        RateLimitDecision decision = result.decision();
        int best = 0;
        for (int i = 1; i < decision.size(); i++) {
            if (isMoreRestrictive(decision.outcome(i), decision.outcome(best))) {
                best = i;
            }
        }
        return best;
    }

    private static boolean isMoreRestrictive(LimitOutcome candidate, LimitOutcome current) {
        if (candidate.permitted() != current.permitted()) {
            return !candidate.permitted();
        }
        if (!candidate.permitted()) {
            return candidate.retryAfterMillis() > current.retryAfterMillis();
        }
        return candidate.remaining() < current.remaining();
    }

    /**
     * {@code X-RateLimit-Reset}: the Unix time in seconds, rounded up, when the limit is back to full capacity.
     * GitHub's convention (an absolute time), not the delta seconds some other APIs send; an absolute value needs the
     * application server's clock, which is why the decision time is passed in.
     */
    static long resetEpochSeconds(LimitOutcome outcome, long decidedAtEpochMillis) {
        return ceilDiv(decidedAtEpochMillis + Math.max(0, outcome.resetMillis()), 1000);
    }

    /**
     * {@code Retry-After} in whole seconds, rounded up and at least 1: a refused call is always told to wait, even if
     * the backend's wait rounds to nothing, so that no client is invited to retry in a tight loop.
     */
    public static long retryAfterSeconds(Duration retryAfter) {
        long seconds = retryAfter.getSeconds();
        if (retryAfter.getNano() > 0 && seconds < MAX_SF_INTEGER) {
            seconds++;
        }
        return Math.max(1, cap(seconds));
    }

    /**
     * A structured-field String (RFC 8941 section 3.3.3) holding {@code value}: {@code "} and {@code \} are
     * escaped with a backslash. An sf-string can only carry printable ASCII, so anything else (and {@code %},
     * to keep the mapping one-to-one) is written as {@code %xx} per UTF-8 byte, as RFC 9651 Display Strings do.
     * Limiter names are validated to {@code [A-Za-z0-9._:/-]}; this only guarantees a valid header whatever
     * the name.
     */
    static String sfString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            i += Character.charCount(codePoint);
            if (codePoint == '"' || codePoint == '\\') {
                out.append('\\').append((char) codePoint);
            } else if (codePoint >= 0x20 && codePoint <= 0x7e && codePoint != '%') {
                out.append((char) codePoint);
            } else {
                for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            }
        }
        return out.append('"').toString();
    }

    private static long cap(long value) {
        return Math.min(value, MAX_SF_INTEGER);
    }

    /** {@code ceil(a / b)} for {@code a >= 0}, {@code b > 0} (Math.ceilDiv is Java 18). */
    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** {@code ceil(a × b / divisor)} for positive arguments, capped; exact even when {@code a × b} overflows. */
    private static long multiplyDivideCeil(long a, long b, long divisor) {
        long product = a * b;
        if (Math.multiplyHigh(a, b) == 0 && product >= 0) {
            return cap(ceilDiv(product, divisor));
        }
        BigInteger d = BigInteger.valueOf(divisor);
        BigInteger quotient = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
                .add(d.subtract(BigInteger.ONE)).divide(d);
        return quotient.min(BigInteger.valueOf(MAX_SF_INTEGER)).longValue();
    }
}
