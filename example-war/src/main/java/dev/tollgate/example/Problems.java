package dev.tollgate.example;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.Response;

import java.math.BigInteger;

/**
 * RFC 9457 problem details for the example's own errors, and the checks of request bodies that raise them. A
 * {@link BadRequestException} that carries its problem as its response is answered as it is: no mapper needed, and
 * the detail is always a sentence of ours, never an exception's text.
 */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    /** A problem response: {@code type} stays {@code about:blank}, so the title is the status's own. */
    static Response response(Response.StatusType status, String detail) {
        JsonObjectBuilder problem = JsonBuilders.object()
                .add("title", status.getReasonPhrase())
                .add("status", status.getStatusCode());
        if (detail != null) {
            problem.add("detail", detail);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(problem.build()).build();
    }

    static BadRequestException badRequest(String detail) {
        return new BadRequestException(response(Response.Status.BAD_REQUEST, detail));
    }

    /**
     * The body, which must be a JSON object. Resources take any {@link JsonValue} and check here: with a
     * {@code JsonObject} parameter, Jersey reads {@code [1]} as an array and then fails to call the method with it
     * (a 500), and an empty body may arrive as {@code null}.
     */
    static JsonObject object(JsonValue body) {
        if (!(body instanceof JsonObject object)) {
            throw badRequest("the body must be a JSON object");
        }
        return object;
    }

    /** A member that must be a string of 1 to {@code maxLength} characters. */
    static String text(JsonObject body, String name, int maxLength) {
        JsonValue value = body.get(name);
        if (!(value instanceof JsonString string) || string.getString().isEmpty()
                || string.getString().length() > maxLength) {
            throw badRequest("'" + name + "' must be a string of 1 to " + maxLength + " characters");
        }
        return string.getString();
    }

    /** A member that may be missing ({@code fallback}), or else must be a whole number in [1, max]. */
    static int count(JsonObject body, String name, int fallback, int max) {
        JsonValue value = body.get(name);
        if (value == null) {
            return fallback;
        }
        // isIntegral() first: bigIntegerValue() of 1e999999999 would build a billion digits
        if (!(value instanceof JsonNumber number) || !number.isIntegral()
                || number.bigIntegerValue().compareTo(BigInteger.ONE) < 0
                || number.bigIntegerValue().compareTo(BigInteger.valueOf(max)) > 0) {
            throw badRequest("'" + name + "' must be a whole number from 1 to " + max);
        }
        return number.intValue();
    }
}
