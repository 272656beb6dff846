package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.idempotency.Digests;
import dev.tollgate.internal.idempotency.HttpFingerprint;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Digests the request body of an {@code @Idempotent} resource method as the entity provider reads it, for the
 * request's fingerprint: the same key with another body is a mismatch. Bytes the provider leaves unread are
 * digested after it, so the digest covers the whole body whatever the provider consumes. Nothing is buffered:
 * Tollgate adds no memory per request, and how large a body may be is the server's limit. A body the provider cannot
 * read fails as it would without Tollgate (the application's mappers answer it), before anything is claimed.
 * Bound to idempotent resource methods only, by {@link TollgateFeature}.
 */
public class IdempotencyBodyDigest implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        DigestingStream body = new DigestingStream(context.getInputStream());
        context.setInputStream(body);
        Object entity = context.proceed();
        context.setProperty(HttpFingerprint.BODY_DIGEST, body.finish());
        return entity;
    }

    /** Passes bytes through while digesting them; no mark/reset, so no byte is digested twice. */
    private static final class DigestingStream extends FilterInputStream {

        private final MessageDigest digest = Digests.sha256();
        private long length;
        private boolean drained;

        DigestingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                digest.update((byte) b);
                length++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            int n = in.read(buffer, offset, count);
            if (n > 0) {
                digest.update(buffer, offset, n);
                length += n;
            }
            return n;
        }

        @Override
        public long skip(long count) throws IOException {
            // skipped bytes are part of the body too
            byte[] buffer = new byte[(int) Math.min(8192, Math.max(count, 0))];
            long skipped = 0;
            while (skipped < count) {
                int n = read(buffer, 0, (int) Math.min(buffer.length, count - skipped));
                if (n < 0) {
                    break;
                }
                skipped += n;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public synchronized void mark(int limit) {
        }

        @Override
        public synchronized void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }

        /** Providers may close the stream when done (RESTEasy's JSON-P reader does): what is left is read first. */
        @Override
        public void close() throws IOException {
            try {
                drain();
            } finally {
                in.close();
            }
        }

        /** Digests what is left unread: the body's digest. */
        String finish() throws IOException {
            drain();
            return Digests.textOfStreamedPart(digest, length);
        }

        private void drain() throws IOException {
            if (drained) {
                return;
            }
            byte[] buffer = new byte[8192];
            while (read(buffer, 0, buffer.length) >= 0) {
                // digested by read
            }
            drained = true;
        }
    }
}
