package dev.tollgate.internal.ratelimit;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.call.Proceed;
import dev.tollgate.internal.call.ResultShape;
import dev.tollgate.internal.call.Stages;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Applies the {@code @RateLimit}s of one call: decides it, records the result for the HTTP response, and then
 * runs the call or refuses it. Knows nothing of CDI or servlets: it reads the {@link Call}, built on the caller's
 * thread, so that {@code ip} and {@code header:} keys see the HTTP request whichever thread runs the method.
 *
 * <p>A call whose result is a stage is refused with a stage failed with {@link RateLimitExceededException}, and a
 * call answering through a suspended JAX-RS response has its response resumed with it; neither waits on a thread
 * for {@code maxWait}: the next decision is scheduled, and the method runs on the scheduler's thread once
 * admitted. Other calls are refused by throwing, and wait on their own thread.
 *
 * <p>The {@code CONCURRENCY} permits an admitted call took are given back when the call ends: when the method returns
 * or throws; for a stage, when it completes (the caller's stage completes after the permits are back, without
 * blocking the thread that completes it); for a suspended response, when it is resumed or cancelled, before the
 * response is written; for an EJB asynchronous method's {@code Future}, when it is done.
 */
public final class RateLimitGuard {

    private final RateLimitEnforcer enforcer;
    private final CallerTiers tiers;
    private final Supplier<ScheduledExecutorService> scheduler;

    /** @param scheduler runs the later decisions of calls that wait without a thread, and then the calls */
    public RateLimitGuard(RateLimitEnforcer enforcer, CallerTiers tiers,
                          Supplier<ScheduledExecutorService> scheduler) {
        this.enforcer = enforcer;
        this.tiers = tiers;
        this.scheduler = scheduler;
    }

    public RateLimitEnforcer enforcer() {
        return enforcer;
    }

    public CallerTiers tiers() {
        return tiers;
    }

    public Object guard(GuardedMethod method, Call call, Proceed proceed) throws Exception {
        String tier = method.tiered() ? tiers.tierOf(call) : null;
        if (!method.shape().later()) {
            RateLimitResult result = enforcer.enforce(method, call, tier);
            if (admitted(method, call, result)) {
                return holding(method, call, result.permits(), proceed);
            }
            throw RateLimitEnforcer.refusal(method, result);
        }
        RateLimitEnforcer.Attempt attempt = enforcer.begin(method, call, tier);
        RateLimitResult result;
        try {
            result = attempt.decide();
        } catch (BackendUnavailableException e) {
            return refuse(method, call, e);
        }
        if (result != null) {
            return admitted(method, call, result) ? holding(method, call, result.permits(), proceed)
                    : refuse(method, call, RateLimitEnforcer.refusal(method, result));
        }
        // Leaving the caller's thread: take what is only visible there now.
        call.principal();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        schedule(new Later(method, call, proceed, attempt, outcome), attempt.waitMillis());
        return method.shape().kind() == ResultShape.Kind.SUSPENDED ? null : outcome;
    }

    /** Runs the call, and gives {@code permits} back when it ends, however it ends. */
    private static Object holding(GuardedMethod method, Call call, HeldPermits permits, Proceed proceed)
            throws Exception {
        if (!permits.any()) {
            return proceed.proceed();
        }
        ResultShape.Kind kind = method.shape().kind();
        if (kind == ResultShape.Kind.SUSPENDED) {
            // Registered first: the method may resume its response before it returns.
            call.suspended().onEnd(permits::releaseNow);
        }
        Object returned;
        try {
            returned = proceed.proceed();
        } catch (Exception | Error e) {
            permits.releaseNow();
            throw e;
        }
        if (kind == ResultShape.Kind.STAGE) {
            return Stages.afterwardAsync(Stages.of(returned, method.description()), permits::release);
        }
        if (kind == ResultShape.Kind.FUTURE && returned instanceof CompletableFuture<?> future && !future.isDone()) {
            future.whenComplete((value, failure) -> permits.release());
        } else if (kind != ResultShape.Kind.SUSPENDED) {
            permits.releaseNow();
        }
        return returned;
    }

    /** Records the part of {@code result} clients see; whether the call may run. */
    private static boolean admitted(GuardedMethod method, Call call, RateLimitResult result) {
        RateLimitResult visible = method.visible(result);
        if (visible != null && call.request() != null) {
            RateLimitResults.record(call.request(), visible);
        }
        return result.decision().permitted() || !result.enforced();
    }

    /** A refusal as the method delivers its result: a failed stage, or its suspended response resumed with it. */
    private static Object refuse(GuardedMethod method, Call call, RuntimeException refusal) {
        if (method.shape().kind() == ResultShape.Kind.SUSPENDED) {
            throw refusal;
        }
        return Stages.failed(refusal);
    }

    private void schedule(Later later, long delayMillis) {
        scheduler.get().schedule(later, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** The next decision of a waiting call, and the call itself once admitted. */
    private final class Later implements Runnable {

        private final GuardedMethod method;
        private final Call call;
        private final Proceed proceed;
        private final RateLimitEnforcer.Attempt attempt;
        private final CompletableFuture<Object> outcome;

        Later(GuardedMethod method, Call call, Proceed proceed, RateLimitEnforcer.Attempt attempt,
              CompletableFuture<Object> outcome) {
            this.method = method;
            this.call = call;
            this.proceed = proceed;
            this.attempt = attempt;
            this.outcome = outcome;
        }

        @Override
        public void run() {
            try {
                RateLimitResult result = attempt.decide();
                if (result == null) {
                    schedule(this, attempt.waitMillis());
                } else if (admitted(method, call, result)) {
                    run(holding(method, call, result.permits(), proceed));
                } else {
                    fail(RateLimitEnforcer.refusal(method, result));
                }
            } catch (Exception | Error e) {
                fail(e);
            }
        }

        private void run(Object returned) {
            if (method.shape().kind() == ResultShape.Kind.STAGE) {
                Stages.relay(Stages.of(returned, method.description()), outcome);
            }
            // a suspended response is resumed by the method itself
        }

        private void fail(Throwable failure) {
            if (method.shape().kind() == ResultShape.Kind.SUSPENDED) {
                call.suspended().fail(failure);
            } else {
                outcome.completeExceptionally(failure);
            }
        }
    }
}
