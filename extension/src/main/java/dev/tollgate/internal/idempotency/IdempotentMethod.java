package dev.tollgate.internal.idempotency;

import dev.tollgate.internal.config.IdempotencySettings;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

/**
 * One {@code @Idempotent} method as the interceptor applies it: its settings, and what was worked out about the
 * method once at deployment.
 *
 * @param where      the method, as messages name it
 * @param settings   the resolved settings
 * @param jaxrs      whether it is a JAX-RS resource method (its key comes from the request)
 * @param returnType its generic return type, what a replayed value is read back as
 */
public record IdempotentMethod(String where, IdempotencySettings settings, boolean jaxrs, Type returnType) {

    public static IdempotentMethod of(String where, IdempotencySettings settings, Method method) {
        return new IdempotentMethod(where, settings, JaxRsMethods.isResourceMethod(method),
                method.getGenericReturnType());
    }

    public String scope() {
        return settings.scope();
    }

    public boolean returnsNothing() {
        return returnType == void.class || returnType == Void.class;
    }
}
