package dev.tollgate.example.it.support.payara;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;

import dev.tollgate.example.it.support.Http;
import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;

/**
 * {@code arquillian-payara-micro-managed} 3.1's container with three fixes the end-to-end tests rely on:
 * <ol>
 *   <li><b>Failed deployments fail.</b> The stock adapter starts {@code java -jar payara-micro.jar --deploy x.war},
 *       waits for the "Instance Configuration" banner and returns normally even when the banner lists no deployed
 *       application (Payara Micro logs the deployment error and keeps running). Here a deployment that did not come
 *       up throws a {@link DeploymentException} carrying Payara's reasons from the console, e.g.
 *       {@code Exception while loading the app : CDI deployment failure:<the DefinitionException's message>}, and the
 *       Payara Micro process is stopped.</li>
 *   <li><b>Loopback addresses.</b> The banner's "Host" is the machine's network address (what the stock adapter
 *       hands to {@code @ArquillianResource URL}); it is replaced by {@value Http#LOOPBACK}.</li>
 *   <li><b>No leftover processes.</b> Undeploying waits for Payara Micro to exit (and kills it after 30 s).</li>
 * </ol>
 * Registered by {@link PayaraMicroOverrides} in place of the stock class.
 */
public class LoopbackPayaraMicroContainer extends PayaraMicroDeployableContainer {

    private static final Logger LOG = Logger.getLogger(LoopbackPayaraMicroContainer.class.getName());
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");
    /** The message runs to the end of its log record: one line, or up to "]]" for a multi-line record. */
    private static final Pattern LOAD_FAILURE = Pattern.compile(
            "Exception while loading the app : (.*?)(?=\\n\\]\\]|\\n\\[\\d{4}-|\\n\\s*\\n|\\z)", Pattern.DOTALL);
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+(at |\\.\\.\\. \\d+ more).*\\n?");
    private static final Pattern SEVERE = Pattern.compile("\\[SEVERE\\].*\\[levelValue: \\d+\\] (.*)");

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        ProtocolMetaData metaData;
        try {
            // the stock container writes the archive under java.io.tmpdir (target/tmp in the build): make sure it exists
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException e) {
            throw new DeploymentException("Cannot create java.io.tmpdir", e);
        }
        try {
            metaData = super.deploy(archive);
        } catch (DeploymentException | RuntimeException e) {
            stopQuietly(archive);
            throw e;
        }
        String console = console();
        List<String> reasons = failureReasons(console);
        HTTPContext reported = metaData == null ? null : metaData.getContexts(HTTPContext.class).stream()
                .findFirst().orElse(null);
        if (reported == null || reported.getServlets().isEmpty() || !reasons.isEmpty()) {
            stopQuietly(archive);
            if (reasons.isEmpty()) {
                reasons = List.of(reported == null
                        ? "Payara Micro did not start in time; console:\n" + tail(console, 4000)
                        : "Payara Micro started with nothing deployed; console:\n" + tail(console, 4000));
            }
            throw new DeploymentException(
                    "Cannot deploy " + archive.getName() + " to Payara Micro: " + String.join("\n", reasons));
        }
        HTTPContext loopback = new HTTPContext(Http.LOOPBACK, reported.getPort());
        for (Servlet servlet : reported.getServlets()) {
            loopback.add(new Servlet(servlet.getName(), servlet.getContextRoot()));
        }
        ProtocolMetaData result = new ProtocolMetaData();
        result.addContext(loopback);
        return result;
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        Process process = process();
        super.undeploy(archive);
        awaitExit(process);
    }

    /** Payara's reasons for not deploying, from its console up to the "Instance Configuration" banner. */
    static List<String> failureReasons(String console) {
        String plain = ANSI.matcher(console).replaceAll("");
        List<String> reasons = new ArrayList<>();
        Matcher load = LOAD_FAILURE.matcher(plain);
        while (load.find()) {
            reasons.add(STACK_FRAME.matcher(load.group(1)).replaceAll("").trim());
        }
        if (reasons.isEmpty() && plain.contains("Exception while loading the app")) {
            Matcher severe = SEVERE.matcher(plain);
            while (severe.find()) {
                reasons.add(severe.group(1).trim());
            }
        }
        return reasons;
    }

    private void stopQuietly(Archive<?> archive) {
        try {
            undeploy(archive);
        } catch (Exception | LinkageError e) {
            LOG.warning("Could not stop Payara Micro: " + e);
        }
    }

    private static void awaitExit(Process process) {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                LOG.warning("Payara Micro did not stop within 30 s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private String console() {
        Object log = field("log");
        return log == null ? "" : log.toString();
    }

    private Process process() {
        return (Process) field("payaraMicroProcess");
    }

    private Object field(String name) {
        try {
            Field field = PayaraMicroDeployableContainer.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("arquillian-payara-micro-managed changed: no field " + name, e);
        }
    }

    private static String tail(String text, int max) {
        String plain = ANSI.matcher(text).replaceAll("");
        return plain.length() <= max ? plain : "..." + plain.substring(plain.length() - max);
    }
}
