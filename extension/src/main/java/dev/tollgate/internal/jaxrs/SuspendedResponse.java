package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.call.SuspendedAnswer;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.TimeoutHandler;

import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The {@link AsyncResponse} a guarded method answers through, passed to the method in place of the runtime's: it
 * tells the guards of a failure the method resumes the response with (so that an idempotent call's key is freed
 * before the error response is written) and of its end (so that a concurrency permit is given back before the response
 * is written), and lets a guard resume the response with a refusal. Everything else
 * goes straight to the runtime's response.
 *
 * <p>A timeout is a failure too: without a timeout handler, the runtime answers it with a
 * {@link ServiceUnavailableException} that never passes through this response, so an idempotent call's
 * {@code 503} would be stored and replayed as if it were the method's answer. This response therefore takes the
 * runtime's timeout itself: it hands it to the method's own handler (which answers through this response), or
 * without one resumes with the same {@code ServiceUnavailableException} the runtime would, telling the guards first.
 */
public final class SuspendedResponse implements AsyncResponse, SuspendedAnswer {

    private final AsyncResponse response;
    private final List<Consumer<Throwable>> failureListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> endListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The method's own timeout handler, or {@code null}. */
    private volatile TimeoutHandler timeoutHandler;

    private SuspendedResponse(AsyncResponse response) {
        this.response = response;
    }

    /** {@code argument}, the method's {@code @Suspended} parameter, watched. */
    public static SuspendedResponse watch(Object argument) {
        if (argument instanceof SuspendedResponse watched) {
            return watched;
        }
        if (!(argument instanceof AsyncResponse response)) {
            throw new IllegalStateException("The @Suspended parameter is not an AsyncResponse: " + argument);
        }
        SuspendedResponse watched = new SuspendedResponse(response);
        response.setTimeoutHandler(timedOut -> watched.timedOut());
        return watched;
    }

    /** The runtime's response timed out: what the method's handler does, else the runtime's default, a 503. */
    private void timedOut() {
        TimeoutHandler handler = timeoutHandler;
        if (handler != null) {
            handler.handleTimeout(this);
        } else {
            resume(new ServiceUnavailableException());
        }
    }

    @Override
    public void fail(Throwable failure) {
        resume(failure);
    }

    @Override
    public void onFailure(Consumer<Throwable> listener) {
        failureListeners.add(listener);
    }

    @Override
    public void onEnd(Runnable listener) {
        endListeners.add(listener);
    }

    /** The response ends now: tells the end listeners, once, before it is written. */
    private void ending() {
        if (ended.compareAndSet(false, true)) {
            for (Runnable listener : endListeners) {
                listener.run();
            }
        }
    }

    @Override
    public boolean resume(Object value) {
        ending();
        return response.resume(value);
    }

    @Override
    public boolean resume(Throwable failure) {
        for (Consumer<Throwable> listener : failureListeners) {
            listener.accept(failure);
        }
        ending();
        return response.resume(failure);
    }

    @Override
    public boolean cancel() {
        ending();
        return response.cancel();
    }

    @Override
    public boolean cancel(int retryAfter) {
        ending();
        return response.cancel(retryAfter);
    }

    @Override
    public boolean cancel(Date retryAfter) {
        ending();
        return response.cancel(retryAfter);
    }

    @Override
    public boolean isSuspended() {
        return response.isSuspended();
    }

    @Override
    public boolean isCancelled() {
        return response.isCancelled();
    }

    @Override
    public boolean isDone() {
        return response.isDone();
    }

    @Override
    public boolean setTimeout(long time, TimeUnit unit) {
        return response.setTimeout(time, unit);
    }

    /** Kept here: the runtime's timeout comes to this response, which hands it on ({@link #timedOut()}). */
    @Override
    public void setTimeoutHandler(TimeoutHandler handler) {
        timeoutHandler = handler;
    }

    @Override
    public Collection<Class<?>> register(Class<?> callback) {
        return response.register(callback);
    }

    @Override
    public Map<Class<?>, Collection<Class<?>>> register(Class<?> callback, Class<?>... callbacks) {
        return response.register(callback, callbacks);
    }

    @Override
    public Collection<Class<?>> register(Object callback) {
        return response.register(callback);
    }

    @Override
    public Map<Class<?>, Collection<Class<?>>> register(Object callback, Object... callbacks) {
        return response.register(callback, callbacks);
    }
}
