package dev.tollgate.example.it.probe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.Set;

/**
 * Test-only Jakarta Security mechanism: the {@code X-Test-User} header names the caller, who becomes the request's
 * principal. Requests without it stay anonymous.
 */
@ApplicationScoped
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
