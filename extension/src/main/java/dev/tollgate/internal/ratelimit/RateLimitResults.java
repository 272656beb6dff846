package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.call.CallRequest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Carries rate-limit results from the guard to the HTTP response, as a request attribute (the {@code internal.jaxrs}
 * package documentation says why an attribute rather than a CDI bean).
 */
public final class RateLimitResults {

    /** The servlet request attribute (and so the JAX-RS request property) holding a {@link Recorded}. */
    public static final String ATTRIBUTE = "dev.tollgate.ratelimit.result";

    private RateLimitResults() {
    }

    /**
     * What the response headers describe: every enforced limit decided during one HTTP request, and when the
     * latest decision was taken (Unix epoch milliseconds). The relative values ({@code r}, {@code t}) are those of
     * the decision: a slow method makes them slightly conservative, never optimistic.
     */
    public record Recorded(RateLimitResult result, long decidedAtEpochMillis) {
    }

    /**
     * Records {@code result} for the response to {@code request}. Called by the guard after every decision,
     * before the call proceeds or is refused.
     *
     * <ul>
     *   <li>{@code request == null} (no HTTP request: EJB timer, message, plain Java caller): does nothing.</li>
     *   <li>Shadow limits are never passed here (the interceptor records only the enforced limits' part of a
     *       result): limits that are only being observed stay invisible to clients.</li>
     *   <li>Several limited calls in one request (a limited resource calling a limited bean) accumulate: the
     *       headers describe every limit, and a limit decided twice is described by its latest outcome.</li>
     * </ul>
     */
    public static void record(CallRequest request, RateLimitResult result) {
        if (request == null) {
            return;
        }
        long now = System.currentTimeMillis();
        Object previous = request.attribute(ATTRIBUTE);
        RateLimitResult merged = previous instanceof Recorded recorded ? merge(recorded.result(), result) : result;
        request.setAttribute(ATTRIBUTE, new Recorded(merged, now));
    }

    /** What was recorded, given the request attribute {@link #ATTRIBUTE}; {@code null} if nothing (or not ours). */
    public static Recorded recorded(Object attribute) {
        return attribute instanceof Recorded recorded ? recorded : null;
    }

    /** {@code earlier}'s limits not decided again, then {@code later}'s. */
    public static RateLimitResult merge(RateLimitResult earlier, RateLimitResult later) {
        Set<String> decidedAgain = new HashSet<>();
        for (AppliedLimit limit : later.limits()) {
            decidedAgain.add(limit.name());
        }
        List<AppliedLimit> limits = new ArrayList<>();
        List<LimitOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < earlier.limits().size(); i++) {
            if (!decidedAgain.contains(earlier.limits().get(i).name())) {
                limits.add(earlier.limits().get(i));
                outcomes.add(earlier.decision().outcome(i));
            }
        }
        limits.addAll(later.limits());
        outcomes.addAll(later.decision().outcomes());
        boolean permitted = outcomes.stream().allMatch(LimitOutcome::permitted);
        return new RateLimitResult(limits, RateLimitDecision.of(permitted, outcomes), true);
    }
}
