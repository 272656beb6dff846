package dev.tollgate.internal.cdi;

import dev.tollgate.Idempotent;
import dev.tollgate.internal.idempotency.Digests;
import dev.tollgate.internal.idempotency.HeldClaim;
import dev.tollgate.internal.idempotency.IdempotencyEngine;
import dev.tollgate.internal.idempotency.IdempotencyEngine.Attempt;
import dev.tollgate.internal.idempotency.IdempotencyKeyHeader;
import dev.tollgate.internal.idempotency.IdempotentMethod;
import dev.tollgate.internal.idempotency.InvalidIdempotencyKeyException;
import dev.tollgate.internal.idempotency.PendingResponse;
import dev.tollgate.internal.idempotency.ReplayedResponse;
import dev.tollgate.internal.idempotency.StoredResult;
import dev.tollgate.internal.idempotency.Values;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Collections;
import java.util.List;

/**
 * Applies {@link Idempotent}: claims the call's key, then runs the method and stores its result, or replays what a
 * previous call with the key stored, or refuses a duplicate that is still running or that carries another payload.
 *
 * <p>JAX-RS resource methods called over HTTP take their key from the {@code Idempotency-Key} header and their
 * fingerprint from the request (method, path, query, body); their response is stored by
 * {@link dev.tollgate.internal.jaxrs.IdempotentResponseCapture} once written, and a replay travels to its mapper
 * as a {@link ReplayedResponse}. Other calls use the {@code @IdempotencyKey} parameter or a fingerprint of the
 * arguments, and store the return value as JSON.
 *
 * <p>After the rate-limit interceptor (a refused call claims nothing) and before {@code @Transactional}
 * ({@code PLATFORM_BEFORE + 200}): a transaction the method starts has committed when it returns here. A transaction
 * the call joins is still open, and the result is stored only after it commits.
 */
@Idempotent
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 110)
public class IdempotentInterceptor {

    /** The request attribute where the body's digest is left by the JAX-RS reader interceptor. */
    public static final String BODY_DIGEST = "dev.tollgate.idempotency.body";

    @Inject
    IdempotencyRuntime runtime;

    @Inject
    Instance<SecurityContext> security;

    @AroundInvoke
    public Object guard(InvocationContext invocation) throws Exception {
        IdempotentMethod method = runtime.method(invocation.getMethod());
        if (method == null) {
            return invocation.proceed();
        }
        HttpServletRequest request = CurrentRequest.get();
        if (method.jaxrs() && request != null && request.getAttribute(PendingResponse.ATTRIBUTE) == null) {
            return overHttp(method, invocation, request);
        }
        return direct(method, invocation, request);
    }

    private Object overHttp(IdempotentMethod method, InvocationContext invocation, HttpServletRequest request)
            throws Exception {
        IdempotencyEngine engine = runtime.engine();
        String fingerprint = requestFingerprint(request);
        String key;
        try {
            key = IdempotencyKeyHeader.parse(headerValues(request));
            if (key == null && method.settings().keyRequired()) {
                throw new InvalidIdempotencyKeyException("the " + IdempotencyKeyHeader.NAME
                        + " header is required by " + request.getMethod() + " " + request.getRequestURI());
            }
        } catch (InvalidIdempotencyKeyException e) {
            engine.invalid(method);
            throw e;
        }
        Attempt attempt = engine.claim(method, scopedKey(method, request, key == null ? fingerprint : key),
                fingerprint);
        if (attempt.unguarded()) {
            return invocation.proceed();
        }
        if (attempt.replay() != null) {
            throw new ReplayedResponse(attempt.replay());
        }
        PendingResponse pending = new PendingResponse(attempt.claim(), method, engine.responses());
        request.setAttribute(PendingResponse.ATTRIBUTE, pending);
        Object result;
        try {
            result = invocation.proceed();
        } catch (Exception | Error e) {
            if (!method.settings().stores(e)) {
                pending.release();
            }
            // else the mapped error response is stored by the response capture
            throw e;
        }
        if (engine.transactions().afterCompletion(pending::committed)) {
            pending.awaitCommit();
        }
        return result;
    }

    private Object direct(IdempotentMethod method, InvocationContext invocation, HttpServletRequest request)
            throws Exception {
        IdempotencyEngine engine = runtime.engine();
        Values values = runtime.values();
        Object[] arguments = invocation.getParameters();
        int keyParameter = method.settings().keyParameter();
        String fingerprint = values.fingerprint(arguments);
        String key;
        if (keyParameter >= 0) {
            Object value = arguments[keyParameter];
            if (value == null || value.toString().isBlank()) {
                engine.invalid(method);
                throw new IllegalArgumentException("The @IdempotencyKey parameter of " + method.where()
                        + " must not be null or blank");
            }
            key = value.toString();
        } else {
            key = fingerprint;
        }
        Attempt attempt = engine.claim(method, scopedKey(method, request, key), fingerprint);
        if (attempt.unguarded()) {
            return invocation.proceed();
        }
        if (attempt.replay() != null) {
            return replay(method, invocation, attempt.replay(), values);
        }
        HeldClaim claim = attempt.claim();
        Object result;
        try {
            result = invocation.proceed();
        } catch (Exception | Error e) {
            if (method.settings().stores(e)) {
                finish(engine, claim, method, new StoredResult.Failure(e.getClass().getName(), e.getMessage()));
            } else {
                claim.release();
            }
            throw e;
        }
        StoredResult stored;
        try {
            stored = values.store(result, method.returnType());
        } catch (RuntimeException e) {
            claim.release();
            throw new IllegalStateException("The result of " + method.where() + " cannot be stored as JSON"
                    + " (JSON-B) for replay: " + e.getMessage(), e);
        }
        finish(engine, claim, method, stored);
        return result;
    }

    /** Stores {@code stored} now, or, inside a transaction, once it commits (a rollback releases the key). */
    private static void finish(IdempotencyEngine engine, HeldClaim claim, IdempotentMethod method,
                               StoredResult stored) {
        long ttl = method.settings().ttlMillis();
        boolean inTransaction = engine.transactions().afterCompletion(committed -> {
            if (committed) {
                claim.complete(stored, ttl);
            } else {
                claim.release();
            }
        });
        if (!inTransaction) {
            claim.complete(stored, ttl);
        }
    }

    private static Object replay(IdempotentMethod method, InvocationContext invocation, StoredResult stored,
                                 Values values) throws Exception {
        if (stored instanceof StoredResult.Value value) {
            return method.returnsNothing() ? null : values.read(value, method.returnType());
        }
        if (stored instanceof StoredResult.Failure failure) {
            Throwable rebuilt = Values.rebuild(failure, invocation.getMethod().getDeclaringClass().getClassLoader());
            if (rebuilt instanceof Exception exception) {
                throw exception;
            }
            throw (Error) rebuilt;
        }
        // An HTTP response stored by a JAX-RS method called now without an HTTP request: nothing to return.
        throw new IllegalStateException("The key of " + method.where() + " was used for an HTTP request; its"
                + " response cannot be returned to a direct call");
    }

    private String scopedKey(IdempotentMethod method, HttpServletRequest request, String key) {
        Principal principal = new InterceptedCall(request, security).principal();
        return Digests.scopedKey(method.scope(), principal == null ? "" : principal.getName(), key);
    }

    private static List<String> headerValues(HttpServletRequest request) {
        var headers = request.getHeaders(IdempotencyKeyHeader.NAME);
        return headers == null ? List.of() : Collections.list(headers);
    }

    /** Method, path, query and the body's digest (left by the JAX-RS reader interceptor, if a body was read). */
    private static String requestFingerprint(HttpServletRequest request) {
        Object body = request.getAttribute(BODY_DIGEST);
        return Digests.fingerprint(bytes(request.getMethod()), bytes(request.getRequestURI()),
                bytes(request.getQueryString()), bytes(body == null ? "" : body.toString()));
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
