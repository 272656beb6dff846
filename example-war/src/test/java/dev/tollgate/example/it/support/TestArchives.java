package dev.tollgate.example.it.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archives the end-to-end tests deploy.
 *
 * <p>They start from the WAR that {@code mvn package} built ({@code target/tollgate-example.war}): the example
 * classes plus {@code WEB-INF/lib/tollgate-extension-*.jar} and its runtime dependencies (Redisson, Caffeine, ...),
 * exactly as a user would ship them. Tests then add their own probe classes with ShrinkWrap.
 * The failsafe configuration passes the WAR's path as the system property {@value #WAR_PROPERTY}.
 */
public final class TestArchives {

    public static final String WAR_PROPERTY = "tollgate.example.war";

    private TestArchives() {
    }

    /** The example WAR, deployed as {@code tollgate-example.war} (context root {@code /tollgate-example}). */
    public static WebArchive exampleWar() {
        return exampleWar("tollgate-example.war");
    }

    /** The example WAR under another name: the context root is the name without {@code .war}. */
    public static WebArchive exampleWar(String archiveName) {
        Path war = Path.of(System.getProperty(WAR_PROPERTY, "target/tollgate-example.war"));
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("No example WAR at " + war.toAbsolutePath()
                    + ": run the tests through Maven (mvn verify), which packages it first");
        }
        File file = war.toFile();
        return ShrinkWrap.create(ZipImporter.class, archiveName).importFrom(file).as(WebArchive.class);
    }
}
