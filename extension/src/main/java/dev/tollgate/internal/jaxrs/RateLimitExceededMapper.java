package dev.tollgate.internal.jaxrs;

import dev.tollgate.RateLimitExceededException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.nio.charset.StandardCharsets;

/**
 * Turns a refused call into {@code 429 Too Many Requests} with {@code Retry-After} and an
 * {@code application/problem+json} body ({@link RateLimitProblem}).
 *
 * <p>Needs nothing but the exception, so it works whether or not a result was recorded for the request. The
 * rate-limit headers are added by {@link RateLimitResponseFilter}, which Jakarta REST runs on mapped responses.
 *
 * <p>Its priority is below the default ({@code USER}), so an application's own
 * {@code ExceptionMapper<RateLimitExceededException>} wins (Jakarta REST 3.1 section 4.4).
 */
@Provider
@Priority(Priorities.USER + 1000)
public class RateLimitExceededMapper implements ExceptionMapper<RateLimitExceededException> {

    @Override
    public Response toResponse(RateLimitExceededException exception) {
        long retryAfter = RateLimitHeaders.retryAfterSeconds(exception.retryAfter());
        byte[] body = new RateLimitProblem(exception.limiter(), retryAfter).toJson()
                .getBytes(StandardCharsets.UTF_8);
        // byte[]: the built-in byte array writer is the closest match on Jersey and RESTEasy alike, whatever
        // JSON provider claims */*+json for Object.
        return Response.status(Response.Status.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
                .type(RateLimitProblem.MEDIA_TYPE)
                .entity(body)
                .build();
    }
}
