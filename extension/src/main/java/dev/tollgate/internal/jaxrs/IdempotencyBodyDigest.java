package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.idempotency.HttpFingerprint;
import dev.tollgate.internal.idempotency.Digests;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;

/**
 * Digests the request body of an {@code @Idempotent} resource method as the entity is read, for the request's
 * fingerprint: the same key with another body is a mismatch. The body is read whole first (so the digest covers
 * all of it, whatever the entity provider consumes), then handed on unchanged. Bound to idempotent resource
 * methods only, by {@link TollgateFeature}.
 */
public class IdempotencyBodyDigest implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        byte[] body = context.getInputStream().readAllBytes();
        MessageDigest digest = Digests.sha256();
        Digests.frame(digest, body);
        context.setProperty(HttpFingerprint.BODY_DIGEST, Digests.text(digest));
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }
}
