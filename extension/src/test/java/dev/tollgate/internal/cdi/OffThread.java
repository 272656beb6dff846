package dev.tollgate.internal.cdi;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InterceptorBinding;
import jakarta.interceptor.InvocationContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs the method on another thread, as Jakarta Concurrency's {@code @Asynchronous} does, at its priority
 * ({@code PLATFORM_BEFORE + 5}): the method's thread sees no HTTP request. Weld SE has no Jakarta Concurrency, so
 * tests bind this instead.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@interface OffThread {

    @OffThread
    @Interceptor
    @Priority(Interceptor.Priority.PLATFORM_BEFORE + 5)
    class Dispatcher {

        private static final ExecutorService THREADS = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "off-thread");
            thread.setDaemon(true);
            return thread;
        });

        @AroundInvoke
        public Object dispatch(InvocationContext invocation) {
            CompletableFuture<Object> result = new CompletableFuture<>();
            THREADS.execute(() -> {
                try {
                    ((CompletionStage<?>) invocation.proceed()).whenComplete((value, failure) -> {
                        if (failure != null) {
                            result.completeExceptionally(failure);
                        } else {
                            result.complete(value);
                        }
                    });
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
            return result;
        }
    }
}
