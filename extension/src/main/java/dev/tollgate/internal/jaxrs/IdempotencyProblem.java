package dev.tollgate.internal.jaxrs;

import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;

/**
 * RFC 9457 problem details of a refused idempotent request, written by hand for the same reason as
 * {@link RateLimitProblem}. Each kind has its own {@code type}, so clients can tell them apart by more than the
 * status.
 */
record IdempotencyProblem(String type, String title, int status, String detail) {

    static final String KEY_INVALID = "https://tollgate.dev/problems/idempotency-key-invalid";
    static final String IN_PROGRESS = "https://tollgate.dev/problems/idempotency-key-in-progress";
    static final String MISMATCH = "https://tollgate.dev/problems/idempotency-key-mismatch";
    static final String NOT_REPLAYABLE = "https://tollgate.dev/problems/idempotent-response-not-stored";

    String toJson() {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"type\":");
        RateLimitProblem.appendString(json, type);
        json.append(",\"title\":");
        RateLimitProblem.appendString(json, title);
        json.append(",\"status\":").append(status).append(",\"detail\":");
        RateLimitProblem.appendString(json, detail);
        json.append('}');
        return json.toString();
    }

    /** The problem as a response; {@code byte[]} so that no JSON provider rewrites it. */
    Response.ResponseBuilder response() {
        return Response.status(status)
                .type(RateLimitProblem.MEDIA_TYPE)
                .entity(toJson().getBytes(StandardCharsets.UTF_8));
    }
}
