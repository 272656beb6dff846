package dev.tollgate.internal.idempotency;

import dev.tollgate.internal.call.CallRequest;

import java.nio.charset.StandardCharsets;

/**
 * The fingerprint of an HTTP request for {@code @Idempotent}: method, path, query and the body's digest, so that a
 * key sent again with another payload is recognised as a mismatch.
 */
public final class HttpFingerprint {

    /** The request attribute where the JAX-RS reader interceptor leaves the digest of the body it read. */
    public static final String BODY_DIGEST = "dev.tollgate.idempotency.body";

    private HttpFingerprint() {
    }

    public static String of(CallRequest request) {
        Object body = request.attribute(BODY_DIGEST);
        return Digests.fingerprint(bytes(request.method()), bytes(request.path()), bytes(request.query()),
                bytes(body == null ? "" : body.toString()));
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
