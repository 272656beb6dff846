package dev.tollgate.internal.jaxrs;

import dev.tollgate.IdempotencyConflictException;
import dev.tollgate.IdempotencyKeyMismatchException;
import dev.tollgate.internal.idempotency.InvalidIdempotencyKeyException;
import dev.tollgate.internal.idempotency.ReplayedResponse;
import dev.tollgate.internal.idempotency.StoredResult;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.util.Map;

/**
 * The HTTP answers of {@code @Idempotent} resource methods that did not run: a replay, a conflict, a mismatch, an
 * invalid key. Priorities below the default, so an application's own mapper for the public exceptions wins.
 */
public final class IdempotencyMappers {

    /** Marks a replayed response (IETF {@code httpapi-idempotency-key-header} practice). */
    public static final String REPLAYED = "Idempotent-Replayed";

    private IdempotencyMappers() {
    }

    /** {@code 400}: the key is missing where required, or malformed. */
    @Priority(Priorities.USER + 1000)
    public static class InvalidKey implements ExceptionMapper<InvalidIdempotencyKeyException> {
        @Override
        public Response toResponse(InvalidIdempotencyKeyException exception) {
            return new IdempotencyProblem(IdempotencyProblem.KEY_INVALID, "Bad Request", 400,
                    "Invalid idempotency key: " + exception.getMessage()).response().build();
        }
    }

    /** {@code 409} with {@code Retry-After}: a request with the same key is still being processed. */
    @Priority(Priorities.USER + 1000)
    public static class Conflict implements ExceptionMapper<IdempotencyConflictException> {
        @Override
        public Response toResponse(IdempotencyConflictException exception) {
            long seconds = RateLimitHeaders.retryAfterSeconds(exception.retryAfter());
            return new IdempotencyProblem(IdempotencyProblem.IN_PROGRESS, "Conflict", 409,
                    "A request with this idempotency key is still being processed; retry after " + seconds
                            + (seconds == 1 ? " second" : " seconds")).response()
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                    .build();
        }
    }

    /** {@code 422}: the key was used with another request. */
    @Priority(Priorities.USER + 1000)
    public static class Mismatch implements ExceptionMapper<IdempotencyKeyMismatchException> {
        @Override
        public Response toResponse(IdempotencyKeyMismatchException exception) {
            return new IdempotencyProblem(IdempotencyProblem.MISMATCH, "Unprocessable Content", 422,
                    "This idempotency key was already used with a different request; use a new key for a new"
                            + " request").response().build();
        }
    }

    /** The stored response, byte for byte, plus {@code Idempotent-Replayed: true}. */
    @Priority(Priorities.USER)
    public static class Replay implements ExceptionMapper<ReplayedResponse> {
        @Override
        public Response toResponse(ReplayedResponse replay) {
            StoredResult stored = replay.stored();
            if (stored instanceof StoredResult.Response response) {
                Response.ResponseBuilder builder = Response.status(response.status());
                boolean typed = false;
                for (Map.Entry<String, String> header : response.headers()) {
                    if (header.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                        builder.type(header.getValue());
                        typed = true;
                    } else {
                        builder.header(header.getKey(), header.getValue());
                    }
                }
                if (response.body().length > 0) {
                    if (!typed) {
                        builder.type("application/octet-stream");
                    }
                    builder.entity(response.body());
                }
                return builder.header(REPLAYED, "true").build();
            }
            if (stored instanceof StoredResult.Oversized oversized) {
                return new IdempotencyProblem(IdempotencyProblem.NOT_REPLAYABLE, "Conflict", 409,
                        "The request with this idempotency key was processed (status " + oversized.status()
                                + "), but its response of " + oversized.size() + " bytes exceeded"
                                + " tollgate.idempotency.max-response-bytes and was not stored; it will not be"
                                + " processed again").response().header(REPLAYED, "true").build();
            }
            return new IdempotencyProblem(IdempotencyProblem.NOT_REPLAYABLE, "Conflict", 409,
                    "The idempotency key was used by a call that did not come over HTTP; its result cannot be"
                            + " replayed as a response").response().header(REPLAYED, "true").build();
        }
    }
}
