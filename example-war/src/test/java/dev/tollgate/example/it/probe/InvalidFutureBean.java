package dev.tollgate.example.it.probe;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A CDI bean method returning a plain {@code Future} under {@code @RateLimit}, which Tollgate must reject at
 * deployment: only an EJB {@code @Asynchronous} method's {@code Future} is completed by someone Tollgate can follow.
 */
@ApplicationScoped
public class InvalidFutureBean {

    @RateLimit(limit = 5)
    public Future<String> later() {
        return CompletableFuture.completedFuture("never deployed");
    }
}
