package dev.tollgate.example.it.probe;

import dev.tollgate.RateLimit;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * An EJB {@code @Asynchronous} method limited per request header, which Tollgate must reject at deployment: the
 * container runs its interceptors on a thread of its own, where the HTTP request is out of sight.
 */
@Stateless
public class InvalidAsyncEjb {

    @Asynchronous
    @RateLimit(limit = 5, key = "header:X-User")
    public Future<String> perUser() {
        return CompletableFuture.completedFuture("never deployed");
    }
}
