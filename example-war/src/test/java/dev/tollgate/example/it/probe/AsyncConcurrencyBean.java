package dev.tollgate.example.it.probe;

import dev.tollgate.RateLimit;
import jakarta.enterprise.concurrent.Asynchronous;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;

/**
 * Test-only: a CDI bean method made asynchronous by Jakarta Concurrency's {@code @Asynchronous} (an interceptor that
 * runs the method on the server's managed executor), limited per request header. Tollgate's interceptor must run
 * before the server's, on the caller's thread, where the HTTP request is.
 */
@ApplicationScoped
public class AsyncConcurrencyBean {

    public static final int PER_USER_LIMIT = 3;

    @Asynchronous
    @RateLimit(name = "concurrency-per-user", limit = PER_USER_LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            key = "header:" + AsyncRateLimitProbeResource.USER_HEADER)
    public CompletableFuture<String> perUser(String user) {
        return Asynchronous.Result.complete("completed on " + Thread.currentThread().getName());
    }
}
