package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitRequest;

/**
 * Whose state an entry holds: one limiter's counters for one partition. Two fields rather than one concatenated
 * string, so no pair of names can collide ({@code "a:b" + "c"} against {@code "a" + "b:c"}) and no string is built
 * per call.
 */
record LimitKey(String limiter, String partition) {

    static LimitKey of(LimitRequest request) {
        return new LimitKey(request.limiter(), request.partition());
    }
}
