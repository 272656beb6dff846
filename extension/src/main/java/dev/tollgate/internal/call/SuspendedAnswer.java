package dev.tollgate.internal.call;

import java.util.function.Consumer;

/**
 * The answer of a method that responds through a suspended JAX-RS response ({@code @Suspended AsyncResponse})
 * rather than by returning: the guards use it to fail the answer themselves, and to hear of a failure before the
 * response carrying it is written.
 */
public interface SuspendedAnswer {

    /** Resumes the response with {@code failure}, mapped like any exception of the method. */
    void fail(Throwable failure);

    /** Calls {@code listener} with the failure the method resumes its response with, before the response is written. */
    void onFailure(Consumer<Throwable> listener);

    /**
     * Calls {@code listener} once, when the response is resumed (with a value or a failure, including a timeout's)
     * or cancelled, before the response is written.
     */
    void onEnd(Runnable listener);
}
