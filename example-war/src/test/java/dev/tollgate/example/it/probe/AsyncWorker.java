package dev.tollgate.example.it.probe;

import dev.tollgate.IdempotencyKey;
import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import jakarta.annotation.Resource;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Test-only EJB {@code @Asynchronous} methods under each guard. The container runs their interceptors on a thread of
 * its own, where the caller's HTTP request is out of sight: their limits are keyed by a parameter or the principal,
 * and their idempotency key is a parameter.
 */
@Stateless
public class AsyncWorker {

    public static final int LIMIT = 20;
    public static final int PER_CALLER_LIMIT = 2;

    @Resource
    SessionContext context;

    @Inject
    AsyncRuns runs;

    @Asynchronous
    @RateLimit(name = "ejb-async-exact", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            key = "param:round")
    public Future<String> limited(String round) {
        return CompletableFuture.completedFuture("admitted in round " + round + " on "
                + Thread.currentThread().getName());
    }

    @Asynchronous
    @RateLimit(name = "ejb-async-per-caller", limit = PER_CALLER_LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            key = "principal")
    public Future<String> perCaller() {
        return CompletableFuture.completedFuture("admitted for " + context.getCallerPrincipal().getName());
    }

    @Asynchronous
    @Idempotent
    public Future<String> once(@IdempotencyKey String key) {
        int run = runs.next("ejb-once/" + key);
        return CompletableFuture.completedFuture("ejb run " + run + " for " + key + " on "
                + Thread.currentThread().getName());
    }
}
