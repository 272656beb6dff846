package dev.tollgate.example.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.wildfly.core.launcher.Launcher;
import org.wildfly.core.launcher.StandaloneCommandBuilder;

import dev.tollgate.testing.RedisServerProcess;

/**
 * A second WildFly serving a WAR: a server of its own from the same unpacked distribution
 * ({@code tollgate.wildfly.home}, the {@code standalone.xml} that the build's CLI scripts configured), with its own
 * base directory ({@code jboss.server.base.dir}: a copy of {@code standalone/configuration}, and a
 * {@code deployments/} directory holding the WAR, which the deployment scanner deploys at boot) and its own
 * {@code jboss.socket.binding.port-offset}. Launched with WildFly's launcher library, as Arquillian launches the first
 * one: the process is WildFly's JVM ({@code java -jar jboss-modules.jar}), not {@code standalone.sh}.
 *
 * <p>The port offset is picked at random among those whose ports are all free on loopback and none of them the first
 * server's ({@code tollgate.wildfly.port.offset}, {@code tollgate.wildfly.management.port}), so that a build run with
 * nonstandard offsets, or another build on the same machine, does not collide with it.
 */
public final class SecondWildFly extends SecondInstance {

    /** The ports of standalone.xml's socket bindings, before the offset: txn, ajp, http, https, management. */
    private static final List<Integer> PORTS = List.of(4712, 4713, 8009, 8080, 8443, 9990, 9993);
    private static final int HTTP = 8080;

    private final Path deployment;

    private SecondWildFly(Process process, Path dir, Path console, int offset, Path deployment) {
        super("WildFly", process, dir, console, contextRoot(HTTP + offset, deployment.getFileName().toString()));
        this.deployment = deployment;
    }

    /** Exports {@code war} into a new base directory and boots WildFly on it; {@link #awaitDeployed} then waits. */
    public static SecondWildFly start(Archive<?> war) {
        Path home = Path.of(required("tollgate.wildfly.home"));
        Path dir = newDirectory("second-wildfly");
        try {
            copyConfiguration(home.resolve("standalone").resolve("configuration"), dir.resolve("configuration"));
            Path deployment = Files.createDirectories(dir.resolve("deployments")).resolve(war.getName());
            war.as(ZipExporter.class).exportTo(deployment.toFile());
            Path console = dir.resolve("console.log");
            int offset = freeOffset();
            StandaloneCommandBuilder command = StandaloneCommandBuilder.of(home)
                    .setJavaHome(System.getProperty("java.home"))
                    .setBaseDirectory(dir)
                    .setServerConfiguration("standalone.xml")
                    .addJavaOptions("-Xms64m", "-Xmx768m", "-Djava.net.preferIPv4Stack=true",
                            "-Djboss.socket.binding.port-offset=" + offset);
            // as arquillian.xml's jbossArguments for the first server
            command.addServerArgument("--stability=community");
            Process process = Launcher.of(command)
                    .setDirectory(dir)
                    .setRedirectErrorStream(true)
                    .redirectOutput(console)
                    .launch();
            return new SecondWildFly(process, dir, console, offset, deployment);
        } catch (IOException e) {
            RedisServerProcess.deleteDirectory(dir);
            throw new UncheckedIOException("Cannot launch WildFly", e);
        } catch (RuntimeException e) {
            RedisServerProcess.deleteDirectory(dir);
            throw e;
        }
    }

    /** The scanner's marker: {@code <war>.failed} holds the reason. */
    @Override
    protected Optional<String> deploymentFailure() {
        Path failed = deployment.resolveSibling(deployment.getFileName() + ".failed");
        try {
            return Files.exists(failed) ? Optional.of(Files.readString(failed, StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.of("unreadable " + failed + ": " + e);
        }
    }

    /**
     * The configuration files, without the first server's history and deployments: Arquillian deploys through the
     * management API, which lists the deployment in standalone.xml with its content in the first server's repository,
     * which this one does not have.
     */
    private static void copyConfiguration(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        Path standalone = to.resolve("standalone.xml");
        String xml = Files.readString(standalone, StandardCharsets.UTF_8);
        Files.writeString(standalone, xml.replaceAll("(?s)<deployments>.*?</deployments>", ""),
                StandardCharsets.UTF_8);
    }

    /** A port offset whose ports are all free on loopback and are not the first server's. */
    private static int freeOffset() {
        int first = Integer.parseInt(required("tollgate.wildfly.port.offset"));
        Set<Integer> taken = new HashSet<>();
        PORTS.forEach(port -> taken.add(port + first));
        taken.add(Integer.parseInt(required("tollgate.wildfly.management.port")));
        // ports between about 10,000 and 32,000: below Linux's ephemeral range, where clients' ports come from
        List<Integer> candidates = new ArrayList<>(IntStream.rangeClosed(6000, 22000).boxed().toList());
        Collections.shuffle(candidates);
        for (int offset : candidates.subList(0, 200)) {
            if (PORTS.stream().noneMatch(port -> taken.contains(port + offset))
                    && PORTS.stream().allMatch(port -> bindable(port + offset))) {
                return offset;
            }
        }
        throw new IllegalStateException("No port offset with all of " + PORTS + " free found in 200 tries");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
