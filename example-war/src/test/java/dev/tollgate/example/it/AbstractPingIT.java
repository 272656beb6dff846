package dev.tollgate.example.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.http.HttpResponse;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.example.it.probe.JsonProbeResource;
import dev.tollgate.example.it.support.Http;
import dev.tollgate.example.it.support.TestArchives;

/** The example WAR, with the Tollgate extension in WEB-INF/lib, deploys and answers over HTTP. */
@ExtendWith(ArquillianExtension.class)
public abstract class AbstractPingIT {

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive exampleWar() {
        return TestArchives.exampleWar().addClass(JsonProbeResource.class);
    }

    @Test
    void archiveShipsTheExtensionJar() {
        assertThat(TestArchives.exampleWar().getContent().keySet())
                .map(ArchivePath::get)
                .anyMatch(path -> path.matches("/WEB-INF/lib/tollgate-extension-.*\\.jar"));
    }

    @Test
    void deploymentUrlIsOnLoopback() {
        assertThat(Http.resolve(base, "api/ping").getHost()).isEqualTo(Http.LOOPBACK);
        assertThat(base.getPath()).isEqualTo("/tollgate-example/");
    }

    @Test
    void pingAnswersPong() {
        HttpResponse<String> response = Http.get(base, "api/ping");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("pong");
    }

    @Test
    void jsonIsWrittenByJsonB() {
        HttpResponse<String> response = Http.get(base, "api/json-probe");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).isEqualToIgnoringWhitespace("{\"jsonb\":\"written by JSON-B\"}");
    }
}
