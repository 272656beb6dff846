package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.lease.LeaseRenewals;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.resilience.CircuitOpenException;
import dev.tollgate.internal.violations.ViolationTracker;

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
 *
 * <p>A call with {@code CONCURRENCY} limits gets a holder name ({@link PermitHolders}); an admitted call's result
 * carries the permits it took ({@link HeldPermits}), whose leases are renewed from then until the caller gives them
 * back. A call refused by a concurrency limit cannot know when a permit comes back (when another call ends), so
 * within its {@code maxWait} it asks again every {@value #MIN_POLL_MILLIS} ms at first, backing off to every
 * {@value #MAX_POLL_MILLIS} ms.
 */
public final class RateLimitEnforcer implements AutoCloseable {

    /** First pause of a call waiting for a concurrency permit; doubles on each refusal up to {@link #MAX_POLL_MILLIS}. */
    static final long MIN_POLL_MILLIS = 10;
    static final long MAX_POLL_MILLIS = 100;

    private final RateLimitBackend backend;
    private final RateLimitFallback fallback;
    private final GuardMetrics metrics;
    private final LeaseRenewals renewals = new LeaseRenewals("a concurrency permit's lease");
    private final ViolationTracker violations;

    /**
     * @param fallback decides while {@code backend} is unavailable; {@code null} when the backend cannot be (in
     *                 memory), and then its failures propagate
     */
    public RateLimitEnforcer(RateLimitBackend backend, RateLimitFallback fallback, GuardMetrics metrics) {
        this(backend, fallback, metrics, null);
    }

    /** @param violations counts every refusal, shadow ones too; {@code null}: none are tracked */
    public RateLimitEnforcer(RateLimitBackend backend, RateLimitFallback fallback, GuardMetrics metrics,
                             ViolationTracker violations) {
        this.backend = backend;
        this.fallback = fallback;
        this.metrics = metrics;
        this.violations = violations;
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
        String holder = null;
        for (GuardedLimit limit : limits) {
            LimitSettings settings = limit.settings();
            LimitPolicy policy = settings.policyFor(tier);
            LimitRequest request = new LimitRequest(settings.name(), limit.key().resolve(call), policy,
                    settings.cost(), null, settings.leasing());
            if (request.holds()) {
                if (holder == null) {
                    holder = PermitHolders.next();
                }
                request = request.heldBy(holder);
            }
            requests.add(request);
            applied.add(new AppliedLimit(settings.name(), policy));
        }
        return new Attempt(method, call, requests, applied,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(method.maxWaitMillis()));
    }

    /** The decisions of one call, up to its deadline. Used by one thread at a time. */
    public final class Attempt {

        private final GuardedMethod method;
        private final Call call;
        private final List<GuardedLimit> limits;
        private final List<LimitRequest> requests;
        private final List<AppliedLimit> applied;
        private final long deadline;
        private long waitMillis;
        private int polls;
        /** The backend that decided the last acquire: the one that holds what it granted. */
        private RateLimitBackend decidedBy;

        private Attempt(GuardedMethod method, Call call, List<LimitRequest> requests, List<AppliedLimit> applied,
                        long deadline) {
            this.method = method;
            this.call = call;
            this.limits = method.limits();
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
                return finished(new RateLimitResult(applied, decision, true, held(requests)));
            }
            if (!refusedByEnforced(limits, decision)) {
                decision = acquireEnforced(decision);
                if (!refusedByEnforced(limits, decision)) {
                    return finished(new RateLimitResult(applied, decision, false, held(enforced(requests))));
                }
                // An enforced limit ran out between the two calls: its refusal stands.
            }
            long wait = 0;
            boolean polling = false;
            for (int i = 0; i < limits.size(); i++) {
                if (!limits.get(i).settings().shadow() && !decision.outcome(i).permitted()) {
                    if (requests.get(i).holds()) {
                        polling = true;
                    } else {
                        wait = Math.max(wait, decision.outcome(i).retryAfterMillis());
                    }
                }
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (wait > left || (polling && left <= 0)) {
                return finished(new RateLimitResult(applied, decision, true));
            }
            if (polling) {
                // No one can say when a concurrency permit comes back: ask again soon, and once more at the deadline.
                long poll = Math.min(MAX_POLL_MILLIS, MIN_POLL_MILLIS << Math.min(polls++, 4));
                wait = Math.max(wait, Math.min(poll, left));
            }
            waitMillis = Math.max(1, wait);
            return null;
        }

        /** Counts the final result, and tracks each of its refusals (shadow ones too). */
        private RateLimitResult finished(RateLimitResult result) {
            recorded(limits, result);
            if (violations != null) {
                for (int i = 0; i < limits.size(); i++) {
                    if (!result.decision().outcome(i).permitted()) {
                        track(limits.get(i), requests.get(i));
                    }
                }
            }
            return result;
        }

        private void track(GuardedLimit limit, LimitRequest request) {
            LimitSettings settings = limit.settings();
            String partition = request.partition();
            String client = null;
            try {
                if (violations.settings().identities()) {
                    String clear = limit.key().clearValue(call);
                    if (clear != null) {
                        partition = settings.key() + (settings.key().indexOf(':') >= 0 ? "=" : ":") + clear;
                    }
                }
                client = call.request() == null ? null : call.request().remoteAddress();
            } catch (RuntimeException e) {
                // A request already recycled by the container (a decision made later, off its thread): the hash will do.
            }
            violations.refused(settings.name(), partition.isEmpty() ? "(all callers)" : partition,
                    new ViolationTracker.Context(method.description(), settings.key(), client, settings.shadow()));
        }

        /** Asks the backend; while it is unavailable, the limits' failure modes decide. */
        private RateLimitDecision acquire(List<GuardedLimit> askedLimits, List<LimitRequest> asked) {
            try {
                decidedBy = backend;
                return backend.acquire(asked);
            } catch (BackendUnavailableException e) {
                if (!(e instanceof CircuitOpenException)) {
                    // Permits may have been taken although the answer did not come back: give them back if so.
                    releaseQuietly(asked);
                }
                if (fallback == null) {
                    throw e;
                }
                decidedBy = fallback.local();
                return fallback.decide(askedLimits, asked, e);
            }
        }

        /** Only shadow limits refused: takes the enforced limits' permits on their own and merges the outcomes. */
        private RateLimitDecision acquireEnforced(RateLimitDecision first) {
            List<LimitRequest> enforced = enforced(requests);
            if (enforced.isEmpty()) {
                return first;
            }
            RateLimitDecision second = acquire(enforcedLimits(), enforced);
            List<LimitOutcome> outcomes = new ArrayList<>(limits.size());
            int next = 0;
            for (int i = 0; i < limits.size(); i++) {
                outcomes.add(limits.get(i).settings().shadow() ? first.outcome(i) : second.outcome(next++));
            }
            return RateLimitDecision.of(false, outcomes);
        }

        private List<GuardedLimit> enforcedLimits() {
            List<GuardedLimit> enforced = new ArrayList<>();
            for (GuardedLimit limit : limits) {
                if (!limit.settings().shadow()) {
                    enforced.add(limit);
                }
            }
            return enforced;
        }

        private List<LimitRequest> enforced(List<LimitRequest> all) {
            List<LimitRequest> enforced = new ArrayList<>();
            for (int i = 0; i < limits.size(); i++) {
                if (!limits.get(i).settings().shadow()) {
                    enforced.add(all.get(i));
                }
            }
            return enforced;
        }

        /** The permits an admitting acquire of {@code granted} took, renewed from now on. */
        private HeldPermits held(List<LimitRequest> granted) {
            List<LimitRequest> held = null;
            for (LimitRequest request : granted) {
                if (request.holds()) {
                    if (held == null) {
                        // only calls with a CONCURRENCY limit hold anything: the others allocate nothing here
                        held = new ArrayList<>(1);
                    }
                    held.add(request);
                }
            }
            if (held == null) {
                return HeldPermits.NONE;
            }
            HeldPermits permits = new HeldPermits(decidedBy, held);
            permits.renewWith(renewals);
            return permits;
        }

        private void releaseQuietly(List<LimitRequest> asked) {
            List<LimitRequest> held = new ArrayList<>(1);
            for (LimitRequest request : asked) {
                if (request.holds()) {
                    held.add(request);
                }
            }
            if (!held.isEmpty()) {
                try {
                    backend.release(held);
                } catch (RuntimeException ignored) {
                    // Still unreachable: the lease frees the permits.
                }
            }
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

    private static boolean refusedByEnforced(List<GuardedLimit> limits, RateLimitDecision decision) {
        for (int i = 0; i < limits.size(); i++) {
            if (!decision.outcome(i).permitted() && !limits.get(i).settings().shadow()) {
                return true;
            }
        }
        return false;
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

    /** Stops renewing leases and tracking violations: the application is stopping. */
    @Override
    public void close() {
        renewals.close();
        if (violations != null) {
            violations.close();
        }
    }

    /** The violation tracker, or {@code null} when violations are not tracked. */
    public ViolationTracker violations() {
        return violations;
    }
}
