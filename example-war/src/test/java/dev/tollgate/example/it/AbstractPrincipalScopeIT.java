package dev.tollgate.example.it;

import dev.tollgate.example.it.probe.PrincipalProbeResource;
import dev.tollgate.example.it.probe.TestUserAuthentication;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.TestArchives;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotency keys are scoped by the caller principal: user B sending user A's key runs B's own call and never
 * receives A's response. Callers authenticate through a test-only Jakarta Security mechanism
 * ({@link TestUserAuthentication}), so the principal is the server's own.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class AbstractPrincipalScopeIT {

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    static WebArchive principalWar() {
        return TestArchives.exampleWar("principal-scope.war")
                .addClasses(TestUserAuthentication.class, PrincipalProbeResource.class);
    }

    @Test
    void anotherUserSendingTheSameKeyDoesNotReceiveTheFirstUsersResponse() {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> alice = call("alice", key);
        HttpResponse<String> bob = call("bob", key);
        HttpResponse<String> aliceAgain = call("alice", key);

        assertThat(alice.statusCode()).as(alice.body()).isEqualTo(200);
        assertThat(alice.body()).endsWith(" for alice");
        assertThat(bob.statusCode()).isEqualTo(200);
        assertThat(bob.body()).endsWith(" for bob").isNotEqualTo(alice.body());
        assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(aliceAgain.body()).isEqualTo(alice.body());
        assertThat(aliceAgain.headers().firstValue("Idempotent-Replayed")).contains("true");
    }

    private HttpResponse<String> call(String user, String key) {
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/probe/principal"))
                .header(TestUserAuthentication.HEADER, user)
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }
}
