package dev.tollgate.internal.cdi;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

/** Recognises JAX-RS resource methods, whose annotations may also sit on a superclass or interface. */
final class JaxRsMethods {

    private JaxRsMethods() {
    }

    static boolean isResourceMethod(Method method) {
        if (annotated(method)) {
            return true;
        }
        for (Class<?> type = method.getDeclaringClass(); type != null; type = type.getSuperclass()) {
            if (declares(type, method)) {
                return true;
            }
            for (Class<?> contract : type.getInterfaces()) {
                if (declares(contract, method)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean declares(Class<?> type, Method method) {
        try {
            return annotated(type.getDeclaredMethod(method.getName(), method.getParameterTypes()));
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean annotated(Method method) {
        if (method.isAnnotationPresent(Path.class)) {
            return true;
        }
        for (Annotation annotation : method.getAnnotations()) {
            if (annotation.annotationType().isAnnotationPresent(HttpMethod.class)) {
                return true;
            }
        }
        return false;
    }
}
