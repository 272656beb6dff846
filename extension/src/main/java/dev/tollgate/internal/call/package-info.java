/**
 * One intercepted call as both guards see it, free of any container type: {@link dev.tollgate.internal.call.Call}
 * (method, arguments, caller, HTTP request), how the call's result arrives ({@link
 * dev.tollgate.internal.call.ResultShape}: returned, as a stage, as an EJB future, or through a suspended JAX-RS
 * response), and the few helpers the guards need to follow a result that completes later.
 *
 * <p>The interceptors in {@code internal.cdi} build these views from the container's objects; the guards in
 * {@code internal.ratelimit} and {@code internal.idempotency} read only them.
 */
package dev.tollgate.internal.call;
