package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.RateLimit.FailureMode;
import dev.tollgate.internal.metrics.GuardMetrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides a call's limits while the shared backend (Redis) is unavailable, by each limit's failure mode:
 * <ul>
 *   <li>an enforced limit with {@link FailureMode#REJECT}: the call is refused (the backend's failure is thrown:
 *       {@code 503});</li>
 *   <li>otherwise the {@link FailureMode#LOCAL} limits are decided together, all or nothing, by this instance's
 *       in-memory backend, with the same algorithm and window and the limit scaled by
 *       {@code tollgate.ratelimit.local-share};</li>
 *   <li>and the {@link FailureMode#ALLOW} limits permit the call without counting it (their outcome reports the
 *       whole capacity as remaining, since nothing was counted).</li>
 * </ul>
 * A shadow limit never refuses, so its {@code REJECT} lets the call through like {@code ALLOW}. Each mode used
 * counts once per decision in {@link GuardMetrics#RATELIMIT_FALLBACKS}.
 *
 * <p>The in-memory state is this instance's alone and outlives the outage: a partition that used up its local limit
 * during one outage meets the same counters, until its window passes, in the next.
 */
public final class RateLimitFallback {

    private final RateLimitBackend local;
    private final double localShare;
    private final GuardMetrics metrics;

    /**
     * @param local      the in-memory backend that decides {@code LOCAL} limits
     * @param localShare fraction of each limit granted locally, in {@code (0, 1]}
     */
    public RateLimitFallback(RateLimitBackend local, double localShare, GuardMetrics metrics) {
        if (!(localShare > 0 && localShare <= 1)) {
            throw new IllegalArgumentException("localShare must be in (0, 1], was " + localShare);
        }
        this.local = local;
        this.localShare = localShare;
        this.metrics = metrics;
    }

    public RateLimitBackend local() {
        return local;
    }

    /**
     * @param limits   the limits decided, in request order
     * @param requests one request per limit
     * @param failure  what the backend threw; thrown again when a limit's mode is to refuse
     */
    RateLimitDecision decide(List<GuardedLimit> limits, List<LimitRequest> requests,
                             BackendUnavailableException failure) {
        for (GuardedLimit limit : limits) {
            if (limit.settings().failureMode() == FailureMode.REJECT && !limit.settings().shadow()) {
                metrics.recordFallback(FailureMode.REJECT);
                throw failure;
            }
        }
        List<LimitRequest> localRequests = new ArrayList<>(requests.size());
        for (int i = 0; i < limits.size(); i++) {
            if (limits.get(i).settings().failureMode() == FailureMode.LOCAL) {
                localRequests.add(local(requests.get(i)));
            }
        }
        RateLimitDecision decided = localRequests.isEmpty() ? null : local.acquire(localRequests);
        List<LimitOutcome> outcomes = new ArrayList<>(limits.size());
        boolean allowed = false;
        int next = 0;
        for (int i = 0; i < limits.size(); i++) {
            if (limits.get(i).settings().failureMode() == FailureMode.LOCAL) {
                outcomes.add(decided.outcome(next++));
            } else {
                outcomes.add(uncounted(requests.get(i)));
                allowed = true;
            }
        }
        if (decided != null) {
            metrics.recordFallback(FailureMode.LOCAL);
        }
        if (allowed) {
            metrics.recordFallback(FailureMode.ALLOW);
        }
        return RateLimitDecision.of(decided == null || decided.permitted(), outcomes);
    }

    /**
     * What {@link #decide} would answer for one limit now, consuming nothing: the local state for {@code LOCAL}, the
     * whole capacity for {@code ALLOW}; {@code REJECT} throws {@code failure}.
     */
    LimitOutcome peek(GuardedLimit limit, LimitRequest request, BackendUnavailableException failure) {
        switch (limit.settings().failureMode()) {
            case LOCAL:
                return local.peek(List.of(local(request))).outcome(0);
            case ALLOW:
                return uncounted(request);
            default:
                throw failure;
        }
    }

    /** {@code request} as this instance decides it on its own: its policy scaled by the local share. */
    private LimitRequest local(LimitRequest request) {
        return new LimitRequest(request.limiter(), request.partition(), scaled(request.policy(), request.cost()),
                request.cost(), request.holder());
    }

    /**
     * The outcome of an {@code ALLOW} limit: permitted, nothing counted, so the whole capacity remains, and no time
     * (there is no state, nor a clock, to tell when quota would come back).
     */
    private static LimitOutcome uncounted(LimitRequest request) {
        long capacity = request.policy().capacity();
        return new LimitOutcome(true, capacity, capacity, 0, 0, 0);
    }

    /**
     * The policy one instance applies on its own: the limit (and a token bucket's or a GCRA's burst) times the share,
     * rounded down, but never below the call's cost, so a call that fits the shared limit can always fit the local one.
     */
    LimitPolicy scaled(LimitPolicy policy, long cost) {
        if (localShare == 1.0) {
            return policy;
        }
        long limit = Math.max(1, (long) Math.floor(policy.limit() * localShare));
        if (LimitPolicy.hasBurst(policy.algorithm())) {
            long burst = Math.max(cost, (long) Math.floor(policy.capacity() * localShare));
            return new LimitPolicy(policy.algorithm(), limit, policy.windowMillis(), burst);
        }
        return LimitPolicy.window(policy.algorithm(), Math.max(cost, limit), policy.windowMillis());
    }
}
