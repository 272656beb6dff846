package dev.tollgate.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HTTP Basic for the example, checked against its identity store ({@link AdminIdentityStore}). A request without
 * credentials stays anonymous, so the public API is untouched: it is the admin resource that answers an anonymous
 * caller with 401 and the challenge. Wrong credentials answer 401 with the challenge, wherever they are sent.
 *
 * <p>Not {@code @BasicAuthenticationMechanismDefinition}: that one only challenges on paths protected by a
 * {@code web.xml} security constraint, and the example has no {@code web.xml}.
 */
@ApplicationScoped
public class AdminAuthentication implements HttpAuthenticationMechanism {

    static final String CHALLENGE = "Basic realm=\"tollgate-example\", charset=\"UTF-8\"";

    private static final String BASIC = "basic ";

    @Inject
    IdentityStoreHandler identityStores;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return context.doNothing();
        }
        UsernamePasswordCredential credential = credential(authorization.substring(BASIC.length()).trim());
        CredentialValidationResult result = credential == null
                ? CredentialValidationResult.INVALID_RESULT
                : identityStores.validate(credential);
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            response.setHeader("WWW-Authenticate", CHALLENGE);
            return context.responseUnauthorized();
        }
        return context.notifyContainerAboutLogin(result);
    }

    /** {@code user:password} in Base64, or {@code null} when it is not. */
    private static UsernamePasswordCredential credential(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new UsernamePasswordCredential(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
