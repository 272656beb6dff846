package dev.tollgate.example.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.TestArchives;

/**
 * The example WAR deployed with MicroProfile Config overrides of its annotations, in its own
 * {@code META-INF/microprofile-config.properties} (the example's file plus two lines):
 * <ul>
 *   <li>{@value #LOGIN_LIMIT}{@code =2}: the login limit drops from the annotation's 5 to 2 a minute;</li>
 *   <li>{@value #EXPORT_SHADOW}{@code =true}: a method-level key, so it applies to both of the export's named limits
 *       ({@code export-daily}, 3 a day, and {@code export-burst}, 2 per 10 s), which then decide and count but never
 *       refuse;</li>
 * </ul>
 * and nothing else: the search limit, which no override names, still refuses.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class AbstractConfiguredDeploymentIT {

    protected static final String ARCHIVE = "configured.war";
    static final String LOGIN_LIMIT = "dev.tollgate.example.LoginResource/login/RateLimit/limit";
    static final String EXPORT_SHADOW = "dev.tollgate.example.ExportResource/export/RateLimit/shadow";
    static final String CALLS = "tollgate_ratelimit_calls_total";

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    static WebArchive configuredWar() {
        return TestArchives.withConfig(TestArchives.exampleWar(ARCHIVE), LOGIN_LIMIT + "=2", EXPORT_SHADOW + "=true");
    }

    /** Where the server serves the deployment's meters as Prometheus text. */
    protected abstract URI metrics();

    /** Labels that tell this deployment's meters from other deployments' on the same server (none by default). */
    protected Map<String, String> deploymentLabels() {
        return Map.of();
    }

    @Test
    void deployedConfigurationIsTheExamplesPlusTheOverrides() {
        String original = TestArchives.config(TestArchives.exampleWar());
        String deployed = TestArchives.config(configuredWar());

        assertThat(original).contains("tollgate.tiers=").doesNotContain(LOGIN_LIMIT);
        assertThat(deployed).startsWith(original).contains(LOGIN_LIMIT + "=2", EXPORT_SHADOW + "=true")
                .as("no application-wide override (tollgate.ratelimit.<member>)").doesNotContain("tollgate.ratelimit.");
    }

    @Test
    void configuredLimitBeatsTheAnnotation() {
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(login());
        }

        assertThat(responses.subList(0, 2)).allSatisfy(response -> assertThat(response.statusCode())
                .as("an answered login: 200 or 401, not refused").isIn(200, 401));
        HttpResponse<String> third = responses.get(2);
        assertThat(third.statusCode()).as("3rd login within a minute: %s", third.body()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        assertThat(responses).allSatisfy(response -> assertThat(response.headers().firstValue("RateLimit-Policy"))
                .hasValueSatisfying(policy -> assertThat(policy).contains("\"login\";q=2;w=60")));
    }

    @Test
    void shadowLimitsDecideAndCountButNeverRefuse() throws InterruptedException {
        awaitRoomInTenSecondWindow();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/export"))
                    .header("X-Api-Key", "key-bob").GET());
            statuses.add(response.statusCode());
        }

        // Without the override: 200, 200, then 429s (2 per 10 s); the 4th call on would also exceed 3 a day.
        assertThat(statuses).as("6 exports with one API key, both limits in shadow mode").containsOnly(200);

        HttpResponse<String> scrape = Http.get(metrics());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Map<String, String> rejected = labels("limiter", "export-burst", "result", "rejected");
        assertThat(counter(scrape.body(), CALLS, rejected))
                .as("%s%s in %s:%n%s", CALLS, rejected, metrics(), lines(scrape.body(), CALLS))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void limitsWithoutOverridesStillApply() {
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 11; i++) {
            last = Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/search?q=tollgate"))
                    .header("X-Api-Key", "key-alice").GET());
            statuses.add(last.statusCode());
        }

        assertThat(statuses.subList(0, 10)).as("alice (free tier, 10 a minute): her first 10 searches")
                .containsOnly(200);
        assertThat(statuses.get(10)).as("alice's 11th search").isEqualTo(429);
        assertThat(last.headers().firstValue("RateLimit-Policy")).hasValue("\"search\";q=10;w=60");
    }

    private HttpResponse<String> login() {
        return Http.send(HttpRequest.newBuilder(Http.resolve(base, "api/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=ada&password=wrong")));
    }

    /**
     * {@code export-burst} counts in fixed 10-second windows aligned to the epoch: when less than half of the current
     * window is left, waits for the next one, so that the 6 calls meet one window and its limit of 2.
     */
    private static void awaitRoomInTenSecondWindow() throws InterruptedException {
        long intoWindow = System.currentTimeMillis() % 10_000;
        if (intoWindow > 5_000) {
            Thread.sleep(10_000 - intoWindow + 50);
        }
    }

    private Map<String, String> labels(String... pairs) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            labels.put(pairs[i], pairs[i + 1]);
        }
        labels.putAll(deploymentLabels());
        return labels;
    }

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");

    /** The sum of the samples of {@code name} whose labels include all of {@code labels} (Prometheus text). */
    static double counter(String scrape, String name, Map<String, String> labels) {
        double sum = 0;
        Matcher sample = SAMPLE.matcher(scrape);
        while (sample.find()) {
            String sampleLabels = sample.group(2) == null ? "" : sample.group(2);
            if (sample.group(1).equals(name) && labels.entrySet().stream()
                    .allMatch(label -> sampleLabels.contains(label.getKey() + "=\"" + label.getValue() + "\""))) {
                sum += Double.parseDouble(sample.group(3));
            }
        }
        return sum;
    }

    private static String lines(String scrape, String name) {
        return String.join("\n", scrape.lines().filter(line -> line.contains(name)).toList());
    }
}
