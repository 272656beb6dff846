package dev.tollgate.internal.call;

/** Goes on with the intercepted call: the next interceptor, or the method. */
@FunctionalInterface
public interface Proceed {

    Object proceed() throws Exception;
}
