package dev.tollgate.internal.cdi;

import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.call.CallRequest;
import dev.tollgate.internal.call.ResultShape;
import dev.tollgate.internal.call.SuspendedAnswer;
import dev.tollgate.internal.jaxrs.SuspendedResponse;
import dev.tollgate.spi.PartitionKeyResolver;
import dev.tollgate.spi.TierResolver;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.InvocationContext;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.http.HttpServletRequest;

import java.lang.reflect.Method;
import java.security.Principal;

/**
 * A {@link Call} over the container's objects. Inside an HTTP request the caller comes from the request; outside
 * one (timers, messages, plain Java callers) the principal and roles come from Jakarta Security, looked up only
 * when a guard asks for them, and then kept, so that a guard that goes on with the call on another thread still
 * sees the caller.
 *
 * <p>Built by the first Tollgate interceptor of a call and left in the invocation's context data, so that the second
 * one, which may run on another thread when the first let the call wait, reads the same call.
 */
final class InterceptedCall implements Call {

    private static final String CONTEXT_KEY = InterceptedCall.class.getName();
    private static final Object[] NO_ARGUMENTS = new Object[0];

    private final InvocationContext invocation;
    private final HttpServletRequest servletRequest;
    private final CallRequest request;
    private final Instance<SecurityContext> security;
    private final int suspendedParameter;
    private volatile Principal principal;
    private volatile boolean principalKnown;
    private volatile SuspendedResponse suspended;

    private InterceptedCall(InvocationContext invocation, HttpServletRequest request,
                            Instance<SecurityContext> security, int suspendedParameter) {
        this.invocation = invocation;
        this.servletRequest = request;
        this.request = request == null ? null : new ServletCallRequest(request);
        this.security = security;
        this.suspendedParameter = suspendedParameter;
    }

    /** The call of {@code invocation}: the one an earlier Tollgate interceptor built, or a new one. */
    static InterceptedCall of(InvocationContext invocation, ResultShape shape, Instance<SecurityContext> security) {
        Object known = invocation.getContextData().get(CONTEXT_KEY);
        if (known instanceof InterceptedCall call) {
            return call;
        }
        InterceptedCall call = new InterceptedCall(invocation, CurrentRequest.get(), security,
                shape.suspendedParameter());
        invocation.getContextData().put(CONTEXT_KEY, call);
        return call;
    }

    /** The current caller outside any call ({@code RateLimitStatus}). */
    static InterceptedCall current(Instance<SecurityContext> security) {
        return new InterceptedCall(null, CurrentRequest.get(), security, -1);
    }

    @Override
    public Method method() {
        return invocation == null ? null : invocation.getMethod();
    }

    @Override
    public Object[] arguments() {
        return invocation == null ? NO_ARGUMENTS : invocation.getParameters();
    }

    @Override
    public CallRequest request() {
        return request;
    }

    @Override
    public Principal principal() {
        if (!principalKnown) {
            principal = lookUpPrincipal();
            principalKnown = true;
        }
        return principal;
    }

    private Principal lookUpPrincipal() {
        if (servletRequest != null) {
            return servletRequest.getUserPrincipal();
        }
        SecurityContext context = securityContext();
        return context == null ? null : context.getCallerPrincipal();
    }

    @Override
    public boolean isCallerInRole(String role) {
        if (servletRequest != null) {
            return servletRequest.isUserInRole(role);
        }
        SecurityContext context = securityContext();
        return context != null && context.isCallerInRole(role);
    }

    @Override
    public String resolve(PartitionKeyResolver resolver) {
        return resolver.resolve(invocation);
    }

    @Override
    public String resolveTier(TierResolver resolver) {
        return resolver.resolveTier(invocation);
    }

    /**
     * The suspended response, watched: the method's {@code AsyncResponse} argument is replaced (once) by one that
     * tells the guards of a failure before passing it on.
     */
    @Override
    public synchronized SuspendedAnswer suspended() {
        if (suspendedParameter < 0 || invocation == null) {
            return null;
        }
        if (suspended == null) {
            Object[] parameters = invocation.getParameters();
            suspended = SuspendedResponse.watch(parameters[suspendedParameter]);
            parameters[suspendedParameter] = suspended;
            invocation.setParameters(parameters);
        }
        return suspended;
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
