package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.metrics.GuardMetrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decides one call of a guarded method: resolves each limit's partition, asks the backend once for all limits
 * together, waits for a permit when the method allows it, and reports the result. Knows nothing of CDI or HTTP.
 *
 * <p>Shadow limits decide and report like the others but never stop a call. When only shadow limits refuse, the
 * call goes ahead, and since the backend decided all limits together (and so consumed nothing), the enforced limits
 * are asked again on their own, so that a call that runs always takes its permits from them.
 */
public final class RateLimitEnforcer {

    private final RateLimitBackend backend;
    private final RateLimitFallback fallback;
    private final GuardMetrics metrics;

    /**
     * @param fallback decides while {@code backend} is unavailable; {@code null} when the backend cannot be (in
     *                 memory), and then its failures propagate
     */
    public RateLimitEnforcer(RateLimitBackend backend, RateLimitFallback fallback, GuardMetrics metrics) {
        this.backend = backend;
        this.fallback = fallback;
        this.metrics = metrics;
    }

    public RateLimitBackend backend() {
        return backend;
    }

    /**
     * Decides {@code call}, waiting on this thread for a permit as long as the method allows.
     *
     * @param tier the caller's tier, or {@code null} when the method has no tiered limit
     * @return the result; when its decision refused the call and it is {@code enforced}, the call must not run
     * @throws BackendUnavailableException if the backend did not answer and an enforced limit's failure mode is
     *                                     {@code REJECT}
     */
    public RateLimitResult enforce(GuardedMethod method, Call call, String tier) {
        Attempt attempt = begin(method, call, tier);
        while (true) {
            RateLimitResult result = attempt.decide();
            if (result != null) {
                return result;
            }
            sleep(attempt.waitMillis());
        }
    }

    /**
     * Starts deciding {@code call} without waiting: the caller asks {@link Attempt#decide()} and, when it answers
     * {@code null}, asks again after {@link Attempt#waitMillis()} in whatever way suits it (a scheduled retry, for a
     * call whose result is a stage). The partitions are resolved now, on the caller's thread.
     */
    public Attempt begin(GuardedMethod method, Call call, String tier) {
        List<GuardedLimit> limits = method.limits();
        List<LimitRequest> requests = new ArrayList<>(limits.size());
        List<AppliedLimit> applied = new ArrayList<>(limits.size());
        for (GuardedLimit limit : limits) {
            LimitSettings settings = limit.settings();
            LimitPolicy policy = settings.policyFor(tier);
            requests.add(new LimitRequest(settings.name(), limit.key().resolve(call), policy, settings.cost()));
            applied.add(new AppliedLimit(settings.name(), policy));
        }
        return new Attempt(limits, requests, applied,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(method.maxWaitMillis()));
    }

    /** The decisions of one call, up to its deadline. Used by one thread at a time. */
    public final class Attempt {

        private final List<GuardedLimit> limits;
        private final List<LimitRequest> requests;
        private final List<AppliedLimit> applied;
        private final long deadline;
        private long waitMillis;

        private Attempt(List<GuardedLimit> limits, List<LimitRequest> requests, List<AppliedLimit> applied,
                        long deadline) {
            this.limits = limits;
            this.requests = requests;
            this.applied = applied;
            this.deadline = deadline;
        }

        /**
         * Asks the backend once: the final result, or {@code null} when the call was refused but may wait
         * {@link #waitMillis()} and ask again within its {@code maxWait}.
         */
        public RateLimitResult decide() {
            RateLimitDecision decision = acquire(limits, requests);
            if (decision.permitted()) {
                return recorded(limits, new RateLimitResult(applied, decision, true));
            }
            if (!refusedByEnforced(limits, decision)) {
                decision = acquireEnforced(limits, requests, decision);
                if (!refusedByEnforced(limits, decision)) {
                    return recorded(limits, new RateLimitResult(applied, decision, false));
                }
                // An enforced limit ran out between the two calls: its refusal stands.
            }
            long wait = enforcedRetryAfter(limits, decision);
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (wait > left) {
                return recorded(limits, new RateLimitResult(applied, decision, true));
            }
            waitMillis = Math.max(1, wait);
            return null;
        }

        /** How long to wait before asking again, after {@link #decide()} answered {@code null}. */
        public long waitMillis() {
            return waitMillis;
        }
    }

    /** The exception for a refused, enforced result: names the enforced limit that asks for the longest wait. */
    public static RateLimitExceededException refusal(GuardedMethod method, RateLimitResult result) {
        String limiter = method.limits().get(0).settings().name();
        long longest = -1;
        for (int i = 0; i < method.limits().size(); i++) {
            LimitOutcome outcome = result.decision().outcome(i);
            if (!outcome.permitted() && !method.limits().get(i).settings().shadow()
                    && outcome.retryAfterMillis() > longest) {
                longest = outcome.retryAfterMillis();
                limiter = method.limits().get(i).settings().name();
            }
        }
        return new RateLimitExceededException(limiter, Duration.ofMillis(Math.max(0, longest)));
    }

    /**
     * Reports one limit's state for {@code request} without consuming: the backend's, or while it is unavailable
     * what the limit's failure mode would decide.
     *
     * @throws BackendUnavailableException if the backend did not answer and the limit's failure mode is
     *                                     {@code REJECT}
     */
    public LimitOutcome peek(GuardedLimit limit, LimitRequest request) {
        try {
            return backend.peek(List.of(request)).outcome(0);
        } catch (BackendUnavailableException e) {
            if (fallback == null) {
                throw e;
            }
            return fallback.peek(limit, request, e);
        }
    }

    /** Asks the backend; while it is unavailable, the limits' failure modes decide. */
    private RateLimitDecision acquire(List<GuardedLimit> limits, List<LimitRequest> requests) {
        try {
            return backend.acquire(requests);
        } catch (BackendUnavailableException e) {
            if (fallback == null) {
                throw e;
            }
            return fallback.decide(limits, requests, e);
        }
    }

    /** Only shadow limits refused: takes the enforced limits' permits on their own and merges the outcomes. */
    private RateLimitDecision acquireEnforced(List<GuardedLimit> limits, List<LimitRequest> requests,
                                              RateLimitDecision first) {
        List<LimitRequest> enforced = new ArrayList<>();
        List<GuardedLimit> enforcedLimits = new ArrayList<>();
        for (int i = 0; i < limits.size(); i++) {
            if (!limits.get(i).settings().shadow()) {
                enforced.add(requests.get(i));
                enforcedLimits.add(limits.get(i));
            }
        }
        if (enforced.isEmpty()) {
            return first;
        }
        RateLimitDecision second = acquire(enforcedLimits, enforced);
        List<LimitOutcome> outcomes = new ArrayList<>(limits.size());
        int next = 0;
        for (int i = 0; i < limits.size(); i++) {
            outcomes.add(limits.get(i).settings().shadow() ? first.outcome(i) : second.outcome(next++));
        }
        return new RateLimitDecision(false, outcomes);
    }

    private static boolean refusedByEnforced(List<GuardedLimit> limits, RateLimitDecision decision) {
        for (int i = 0; i < limits.size(); i++) {
            if (!decision.outcome(i).permitted() && !limits.get(i).settings().shadow()) {
                return true;
            }
        }
        return false;
    }

    private static long enforcedRetryAfter(List<GuardedLimit> limits, RateLimitDecision decision) {
        long wait = 0;
        for (int i = 0; i < limits.size(); i++) {
            if (!limits.get(i).settings().shadow()) {
                wait = Math.max(wait, decision.outcome(i).retryAfterMillis());
            }
        }
        return wait;
    }

    /**
     * Counts the result per limiter: a limiter that refused counts {@code rejected}; when the call went ahead every
     * limiter counts {@code permitted}; a limiter that had room in a call another limiter refused counts nothing,
     * since it decided nothing.
     */
    private RateLimitResult recorded(List<GuardedLimit> limits, RateLimitResult result) {
        boolean ran = result.decision().permitted() || !result.enforced();
        for (int i = 0; i < limits.size(); i++) {
            LimitOutcome outcome = result.decision().outcome(i);
            if (!outcome.permitted()) {
                metrics.record(limits.get(i).settings().name(), false);
            } else if (ran) {
                metrics.record(limits.get(i).settings().name(), true);
            }
        }
        return result;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a rate-limit permit", e);
        }
    }
}
