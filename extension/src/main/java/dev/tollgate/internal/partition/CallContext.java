package dev.tollgate.internal.partition;

import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;

/**
 * What is known about the caller of one intercepted call: the HTTP request it runs in, if any, and the principal.
 * Built once per call and shared by all its limits.
 */
public interface CallContext {

    /** The HTTP request this call runs in, or {@code null} (an EJB timer, a message, a plain Java caller). */
    HttpServletRequest request();

    /** The authenticated caller, or {@code null} when anonymous. */
    Principal principal();

    /** Whether the caller has {@code role}; {@code false} when anonymous. */
    boolean isCallerInRole(String role);
}
