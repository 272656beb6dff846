package dev.tollgate.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * The example's one administrator, from MicroProfile Config: {@code example.admin.user} (default {@code admin}) and
 * {@code example.admin.password}, which has no default: while it is unset (or blank) nobody is valid, so the admin
 * endpoints answer 401 to everyone. The administrator is in the group {@value #ADMIN_GROUP}.
 */
@ApplicationScoped
public class AdminIdentityStore implements IdentityStore {

    /** The group, and so the role, that may read the admin endpoints. */
    public static final String ADMIN_GROUP = "tollgate-admin";

    @Inject
    @ConfigProperty(name = "example.admin.user", defaultValue = "admin")
    String user;

    @Inject
    @ConfigProperty(name = "example.admin.password")
    Optional<String> password;

    @Override
    public CredentialValidationResult validate(Credential given) {
        if (!(given instanceof UsernamePasswordCredential credential)) {
            return CredentialValidationResult.NOT_VALIDATED_RESULT;
        }
        String expected = password.filter(p -> !p.isBlank()).orElse(null);
        if (expected == null) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        // compares every byte whatever the input, so the time taken tells nothing about the password
        boolean userMatches = MessageDigest.isEqual(bytes(user), bytes(credential.getCaller()));
        boolean passwordMatches = MessageDigest.isEqual(bytes(expected), bytes(credential.getPasswordAsString()));
        return userMatches && passwordMatches
                ? new CredentialValidationResult(user, Set.of(ADMIN_GROUP))
                : CredentialValidationResult.INVALID_RESULT;
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
