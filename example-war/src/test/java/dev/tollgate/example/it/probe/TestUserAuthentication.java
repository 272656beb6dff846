package dev.tollgate.example.it.probe;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.interceptor.Interceptor;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.Set;

/**
 * Test-only Jakarta Security mechanism: the {@code X-Test-User} header names the caller, who becomes the request's
 * principal. Requests without it stay anonymous.
 *
 * <p>Jakarta Security 3 allows one mechanism per application, and the example has its own (HTTP Basic for the admin
 * endpoint, {@code AdminAuthentication}): this one is an enabled alternative, so in the deployments that add it, it is
 * the mechanism the server resolves, and the example's is left unused (the admin endpoint then answers 401).
 */
@ApplicationScoped
@Alternative
@Priority(Interceptor.Priority.APPLICATION)
public class TestUserAuthentication implements HttpAuthenticationMechanism {

    public static final String HEADER = "X-Test-User";

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        String user = request.getHeader(HEADER);
        if (user == null || user.isBlank()) {
            return context.doNothing();
        }
        return context.notifyContainerAboutLogin(user, Set.of("user"));
    }
}
