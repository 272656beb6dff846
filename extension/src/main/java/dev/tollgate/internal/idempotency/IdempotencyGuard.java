package dev.tollgate.internal.idempotency;

import dev.tollgate.Idempotent;
import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.call.CallRequest;
import dev.tollgate.internal.call.Proceed;
import dev.tollgate.internal.call.ResultShape;
import dev.tollgate.internal.call.Stages;
import dev.tollgate.internal.idempotency.IdempotencyEngine.Attempt;

import java.security.Principal;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Applies {@link Idempotent} to one call: claims the call's key, then runs the method and stores its result, or
 * replays what a previous call with the key stored, or refuses a duplicate that is still running or that carries
 * another payload. Knows nothing of CDI, servlets or JAX-RS: it reads the {@link Call}.
 *
 * <p>JAX-RS resource methods called over HTTP take their key from the {@code Idempotency-Key} header and their
 * fingerprint from the request ({@link HttpFingerprint}); their response is stored by the JAX-RS response capture
 * once written (a {@link PendingResponse} left on the request), and a replay travels to its mapper as a
 * {@link ReplayedResponse}. Other calls use the {@code @IdempotencyKey} parameter or a fingerprint of the
 * arguments, and store the value as JSON.
 *
 * <p>A call is over when its result is known, which for a method returning a stage is when the stage completes:
 * only then is the value stored (as the stage's type argument), or the key freed on failure; the lease is renewed
 * until then. A replay of such a method is an already completed stage.
 */
public final class IdempotencyGuard {

    private final IdempotencyEngine engine;
    private final Values values;

    public IdempotencyGuard(IdempotencyEngine engine, Values values) {
        this.engine = engine;
        this.values = values;
    }

    public Object guard(IdempotentMethod method, Call call, Proceed proceed) throws Exception {
        CallRequest request = call.request();
        if (method.jaxrs() && request != null && request.attribute(PendingResponse.ATTRIBUTE) == null) {
            return overHttp(method, call, request, proceed);
        }
        return direct(method, call, proceed);
    }

    private Object overHttp(IdempotentMethod method, Call call, CallRequest request, Proceed proceed)
            throws Exception {
        String fingerprint = HttpFingerprint.of(request);
        String key;
        try {
            key = IdempotencyKeyHeader.parse(request.headers(IdempotencyKeyHeader.NAME));
            if (key == null && method.settings().keyRequired()) {
                throw new InvalidIdempotencyKeyException("the " + IdempotencyKeyHeader.NAME
                        + " header is required by " + request.method() + " " + request.path());
            }
        } catch (InvalidIdempotencyKeyException e) {
            engine.invalid(method);
            throw e;
        }
        Attempt attempt = engine.claim(method, scopedKey(method, call, key == null ? fingerprint : key),
                fingerprint);
        if (attempt.unguarded()) {
            return proceed.proceed();
        }
        if (attempt.replay() != null) {
            throw new ReplayedResponse(attempt.replay());
        }
        PendingResponse pending = new PendingResponse(attempt.claim(), method, engine.responses());
        request.setAttribute(PendingResponse.ATTRIBUTE, pending);
        ResultShape.Kind kind = method.shape().kind();
        if (kind == ResultShape.Kind.SUSPENDED) {
            call.suspended().onFailure(failure -> releaseUnlessStored(method, pending, failure));
        }
        Object result;
        try {
            result = proceed.proceed();
        } catch (Exception | Error e) {
            // else the mapped error response is stored by the response capture
            releaseUnlessStored(method, pending, e);
            throw e;
        }
        if (engine.transactions().afterCompletion(pending::committed)) {
            pending.awaitCommit();
        }
        if (kind == ResultShape.Kind.STAGE) {
            return Stages.afterward(Stages.of(result, method.where()), (value, failure) -> {
                if (failure != null) {
                    releaseUnlessStored(method, pending, failure);
                }
            });
        }
        return result;
    }

    private static void releaseUnlessStored(IdempotentMethod method, PendingResponse pending, Throwable failure) {
        if (!method.settings().stores(failure)) {
            pending.release();
        }
    }

    private Object direct(IdempotentMethod method, Call call, Proceed proceed) throws Exception {
        Object[] arguments = call.arguments();
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
        Attempt attempt = engine.claim(method, scopedKey(method, call, key), fingerprint);
        if (attempt.unguarded()) {
            return proceed.proceed();
        }
        if (attempt.replay() != null) {
            return replay(method, call, attempt.replay());
        }
        ClaimFinisher finisher = new ClaimFinisher(attempt.claim(), method.settings().ttlMillis());
        Object result;
        try {
            result = proceed.proceed();
        } catch (Exception | Error e) {
            finisher.followTransaction(engine.transactions());
            finisher.finish(failure(method, e));
            throw e;
        }
        finisher.followTransaction(engine.transactions());
        switch (method.shape().kind()) {
            case STAGE:
                return Stages.afterward(Stages.of(result, method.where()), (value, failure) ->
                        finisher.finish(failure != null ? failure(method, failure) : stored(method, value, finisher)));
            case FUTURE:
                // An EJB @Asynchronous method: this is the container's thread, which waits for the value anyway.
                Object value;
                try {
                    value = result == null ? null : ((Future<?>) result).get();
                } catch (ExecutionException e) {
                    Throwable cause = Stages.unwrap(e);
                    finisher.finish(failure(method, cause));
                    throw cause instanceof Exception exception ? exception : e;
                }
                finisher.finish(stored(method, value, finisher));
                return result;
            default:
                finisher.finish(stored(method, result, finisher));
                return result;
        }
    }

    /** What a failed call leaves: the failure, when the method stores it, else nothing (the key is freed). */
    private static StoredResult failure(IdempotentMethod method, Throwable failure) {
        return method.settings().stores(failure)
                ? new StoredResult.Failure(failure.getClass().getName(), failure.getMessage()) : null;
    }

    /** {@code value} as JSON; a value JSON-B cannot write frees the key and fails the call, naming the method. */
    private StoredResult stored(IdempotentMethod method, Object value, ClaimFinisher finisher) {
        try {
            return values.store(value, method.shape().valueType());
        } catch (RuntimeException e) {
            finisher.finish(null);
            throw new IllegalStateException("The result of " + method.where() + " cannot be stored as JSON"
                    + " (JSON-B) for replay: " + e.getMessage(), e);
        }
    }

    /** What the first call returned or threw, returned or thrown again the way the method delivers its result. */
    private Object replay(IdempotentMethod method, Call call, StoredResult stored) throws Exception {
        ResultShape.Kind kind = method.shape().kind();
        Object value;
        try {
            value = replayedValue(method, call, stored);
        } catch (Exception e) {
            if (kind == ResultShape.Kind.STAGE) {
                return Stages.failed(e);
            }
            throw e;
        }
        return kind == ResultShape.Kind.STAGE || kind == ResultShape.Kind.FUTURE ? Stages.completed(value) : value;
    }

    private Object replayedValue(IdempotentMethod method, Call call, StoredResult stored) throws Exception {
        if (stored instanceof StoredResult.Value value) {
            return method.shape().nothing() ? null : values.read(value, method.shape().valueType());
        }
        if (stored instanceof StoredResult.Failure failure) {
            Throwable rebuilt = Values.rebuild(failure, call.method().getDeclaringClass().getClassLoader());
            if (rebuilt instanceof Exception exception) {
                throw exception;
            }
            throw (Error) rebuilt;
        }
        // An HTTP response stored by a JAX-RS method called now without an HTTP request: nothing to return.
        throw new IllegalStateException("The key of " + method.where() + " was used for an HTTP request; its"
                + " response cannot be returned to a direct call");
    }

    private static String scopedKey(IdempotentMethod method, Call call, String key) {
        Principal principal = call.principal();
        return Digests.scopedKey(method.scope(), principal == null ? "" : principal.getName(), key);
    }
}
