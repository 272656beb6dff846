package dev.tollgate.internal.cdi;

import dev.tollgate.internal.partition.CallContext;
import jakarta.enterprise.inject.Instance;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;

/**
 * The caller of one intercepted call. Inside an HTTP request everything comes from the request; outside one
 * (timers, messages, plain Java callers) the principal and roles come from Jakarta Security, looked up only when a
 * limit asks for them.
 */
final class InterceptedCall implements CallContext {

    private final HttpServletRequest request;
    private final Instance<SecurityContext> security;

    InterceptedCall(HttpServletRequest request, Instance<SecurityContext> security) {
        this.request = request;
        this.security = security;
    }

    @Override
    public HttpServletRequest request() {
        return request;
    }

    @Override
    public Principal principal() {
        if (request != null) {
            return request.getUserPrincipal();
        }
        SecurityContext context = securityContext();
        return context == null ? null : context.getCallerPrincipal();
    }

    @Override
    public boolean isCallerInRole(String role) {
        if (request != null) {
            return request.isUserInRole(role);
        }
        SecurityContext context = securityContext();
        return context != null && context.isCallerInRole(role);
    }

    private SecurityContext securityContext() {
        try {
            return security.isResolvable() ? security.get() : null;
        } catch (RuntimeException e) {
            // No security context outside a secured call on some servers: the caller is then anonymous.
            return null;
        }
    }
}
