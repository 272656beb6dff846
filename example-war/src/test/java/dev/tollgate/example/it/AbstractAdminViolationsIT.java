package dev.tollgate.example.it;

import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.TestArchives;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example's admin endpoint {@code GET /api/admin/violations}: HTTP Basic against the administrator configured in
 * MicroProfile Config, and the login limiter's ranking after 3 refused logins.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class AbstractAdminViolationsIT {

    static final String PASSWORD = "it-admin-password";
    static final String PATH = "api/admin/violations";
    /** Login allows 5 a minute per client address: 8 attempts, 3 refusals. */
    static final int LOGINS = 8;
    static final int REFUSED = 3;

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    static WebArchive adminWar() {
        return TestArchives.withConfig(TestArchives.exampleWar("admin-violations.war"),
                "example.admin.password=" + PASSWORD);
    }

    @Test
    void anAnonymousCallerIsChallenged() {
        HttpResponse<String> response = Http.get(base, PATH);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Basic "));
    }

    @Test
    void aWrongPasswordIsRefused() {
        HttpResponse<String> wrongPassword = admin("admin", "guess", PATH);
        HttpResponse<String> wrongUser = admin("root", PASSWORD, PATH);

        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(wrongUser.statusCode()).isEqualTo(401);
    }

    @Test
    void theAdministratorSeesTheRefusedLogins() throws InterruptedException {
        for (int attempt = 0; attempt < LOGINS; attempt++) {
            Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(BodyPublishers.ofString("user=mallory&password=guess")));
        }

        // refusals reach the ranking about a second after they happen
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonObject body;
        Optional<JsonObject> login;
        do {
            HttpResponse<String> response = admin("admin", PASSWORD, PATH + "?limiter=login");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            body = json(response.body());
            login = body.getJsonArray("offenders").getValuesAs(JsonObject.class).stream()
                    .filter(offender -> offender.getString("limiter").equals("login"))
                    .findFirst();
            if (login.isPresent() && total(login.get()) == REFUSED) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);

        System.out.println("GET /" + PATH + "?limiter=login -> " + body);
        assertThat(body.getString("period")).isEqualTo("PT1M");
        assertThat(login).as(body.toString()).hasValueSatisfying(offender -> {
            assertThat(offender.getString("partition")).isNotEmpty();
            assertThat(total(offender)).isEqualTo(REFUSED);
        });
        assertThat(body.getJsonArray("offenders")).hasSize(1);
    }

    @Test
    void aBadCountIsAProblem() {
        for (String count : new String[] {"0", "101", "ten", "-1", "99999999999"}) {
            HttpResponse<String> response = admin("admin", PASSWORD, PATH + "?count=" + count);

            assertThat(response.statusCode()).as(count + ": " + response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(json(response.body()).getString("detail")).contains("'count'");
        }
        assertThat(admin("admin", PASSWORD, PATH + "?count=100").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> admin(String user, String password, String path) {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, path))
                .header("Authorization", "Basic " + credentials)
                .GET());
    }

    private static long total(JsonObject offender) {
        return offender.getJsonNumber("currentPeriod").longValue() + offender.getJsonNumber("previousPeriod").longValue();
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
