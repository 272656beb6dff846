package dev.tollgate.example.it.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.ArchivePaths;
import org.jboss.shrinkwrap.api.Node;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
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

    /** Where a WAR's MicroProfile Config file lives (src/main/resources/META-INF/... in the example's sources). */
    public static final String MICROPROFILE_CONFIG = "/WEB-INF/classes/META-INF/microprofile-config.properties";

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

    /**
     * Replaces the archive's {@value #MICROPROFILE_CONFIG} by its original content followed by {@code lines}
     * ({@code key=value} each): the way a test deploys the example with configuration overrides.
     */
    public static WebArchive withConfig(WebArchive war, String... lines) {
        ArchivePath path = ArchivePaths.create(MICROPROFILE_CONFIG);
        String content = config(war);
        war.delete(path);
        war.add(new StringAsset(content + "\n# added by the test\n" + String.join("\n", lines) + "\n"), path);
        return war;
    }

    /** The text of the archive's {@value #MICROPROFILE_CONFIG}, or {@code ""} if it has none. */
    public static String config(WebArchive war) {
        Node node = war.get(ArchivePaths.create(MICROPROFILE_CONFIG));
        return node == null || node.getAsset() == null ? "" : read(node);
    }

    private static String read(Node node) {
        try (InputStream in = node.getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + node.getPath(), e);
        }
    }
}
