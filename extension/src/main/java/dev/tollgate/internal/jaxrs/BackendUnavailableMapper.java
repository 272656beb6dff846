package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.resilience.BackendUnavailableException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A call whose guard could not reach its store and whose failure mode is to refuse ({@code RateLimit.FailureMode.REJECT},
 * {@code Idempotent.FailureMode.REJECT}) answers {@code 503 Service Unavailable} with {@code Retry-After} (1 second,
 * or what is left of the circuit breaker's cool-off) and a problem body that names no internals (no Redis address,
 * no key); the call does not run. The cause is logged at most once a minute, not per request.
 */
@Provider
@Priority(Priorities.USER + 1000)
public class BackendUnavailableMapper implements ExceptionMapper<BackendUnavailableException> {

    static final String TYPE = "https://tollgate.dev/problems/rate-limit-unavailable";
    private static final Logger LOG = Logger.getLogger(BackendUnavailableMapper.class.getName());
    private static final long LOG_EVERY_MILLIS = 60_000;
    private static final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE / 2);
    private static final AtomicLong unlogged = new AtomicLong();

    @Override
    public Response toResponse(BackendUnavailableException exception) {
        logRarely(exception);
        StringBuilder json = new StringBuilder(200).append("{\"type\":");
        RateLimitProblem.appendString(json, TYPE);
        json.append(",\"title\":\"Service Unavailable\",\"status\":503,\"detail\":");
        RateLimitProblem.appendString(json, "The request's guard could not reach its store; retry shortly.");
        json.append('}');
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(exception.retryAfterSeconds()))
                .type(RateLimitProblem.MEDIA_TYPE)
                .entity(json.toString().getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static void logRarely(BackendUnavailableException exception) {
        long now = System.currentTimeMillis();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_MILLIS && lastLogged.compareAndSet(last, now)) {
            long skipped = unlogged.getAndSet(0);
            LOG.log(Level.WARNING, "Tollgate: a guard could not reach its store, answering 503"
                    + (skipped > 0 ? " (" + skipped + " more since the last report)" : ""), exception);
        } else {
            unlogged.incrementAndGet();
        }
    }
}
