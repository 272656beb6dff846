package dev.tollgate.internal.idempotency;

import dev.tollgate.internal.call.ResultShape;

/**
 * One {@code @Idempotent} method as the guard applies it: its settings, and what was worked out about the method
 * once at deployment.
 *
 * @param where    the method, as messages name it
 * @param settings the resolved settings
 * @param jaxrs    whether it is a JAX-RS resource method (over HTTP its key comes from the request)
 * @param shape    how its result arrives, and the type a replayed value is read back as
 */
public record IdempotentMethod(String where, IdempotencySettings settings, boolean jaxrs, ResultShape shape) {

    public String scope() {
        return settings.scope();
    }
}
