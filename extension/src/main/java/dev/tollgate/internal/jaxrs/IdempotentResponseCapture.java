package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.idempotency.PendingResponse;
import dev.tollgate.internal.idempotency.StoredResult;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stores the response of an idempotent request for replay: the status and allow-listed headers when the response
 * filters run, the body bytes as they are written (so the replay is byte-identical to what the first caller
 * received, whatever provider wrote it). A body larger than the cap is still sent, and stored as
 * {@link StoredResult.Oversized}. Requests without a pending claim are left untouched.
 *
 * <p>Response filters run in descending priority order, so this one, below {@code HEADER_DECORATOR}, runs after
 * the header decorators and stores the headers they added (those the allow-list names).
 */
@Priority(Priorities.HEADER_DECORATOR - 100)
public class IdempotentResponseCapture implements ContainerResponseFilter, WriterInterceptor {

    private static final String STATUS = "dev.tollgate.idempotency.status";
    private static final String HEADERS = "dev.tollgate.idempotency.headers";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(PendingResponse.ATTRIBUTE) instanceof PendingResponse pending)
                || !pending.storable()) {
            return;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        response.getStringHeaders().forEach((name, values) -> {
            if (pending.limits().replays(name)) {
                values.forEach(value -> headers.add(Map.entry(name, value)));
            }
        });
        if (!response.hasEntity()) {
            pending.complete(new StoredResult.Response(response.getStatus(), headers, new byte[0]));
            return;
        }
        request.setProperty(STATUS, response.getStatus());
        request.setProperty(HEADERS, headers);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        if (!(context.getProperty(PendingResponse.ATTRIBUTE) instanceof PendingResponse pending)
                || !pending.storable() || context.getProperty(STATUS) == null) {
            context.proceed();
            return;
        }
        int status = (Integer) context.getProperty(STATUS);
        List<Map.Entry<String, String>> headers = new ArrayList<>(
                (List<Map.Entry<String, String>>) context.getProperty(HEADERS));
        // The Content-Type the writer actually used (it may have been negotiated after the filters ran).
        if (context.getMediaType() != null && pending.limits().replays("Content-Type")) {
            headers.removeIf(header -> header.getKey().equalsIgnoreCase("Content-Type"));
            headers.add(Map.entry("Content-Type", context.getMediaType().toString()));
        }
        Tee tee = new Tee(context.getOutputStream(), pending.limits().maxBodyBytes());
        context.setOutputStream(tee);
        try {
            context.proceed();
        } catch (IOException | RuntimeException e) {
            pending.release();
            throw e;
        }
        pending.complete(tee.overflowed()
                ? new StoredResult.Oversized(status, tee.count())
                : new StoredResult.Response(status, headers, tee.copy()));
    }

    /** Passes every byte on, and keeps a copy of the first {@code cap}. */
    private static final class Tee extends FilterOutputStream {
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        private final int cap;
        private long count;

        Tee(OutputStream out, int cap) {
            super(out);
            this.cap = cap;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            keep(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            keep(b, off, len);
        }

        private void keep(byte[] b, int off, int len) {
            count += len;
            if (count <= cap) {
                copy.write(b, off, len);
            }
        }

        boolean overflowed() {
            return count > cap;
        }

        long count() {
            return count;
        }

        byte[] copy() {
            return copy.toByteArray();
        }
    }
}
