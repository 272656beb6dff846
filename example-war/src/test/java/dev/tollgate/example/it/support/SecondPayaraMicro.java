package dev.tollgate.example.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;

import dev.tollgate.testing.RedisServerProcess;

/**
 * A second Payara Micro serving a WAR: {@code java -jar payara-micro.jar --deploy <war> --port <free> --nocluster},
 * launched directly (the process is Payara Micro's JVM), with the jar the build passes as
 * {@code tollgate.payara.micro.jar} and its runtime directory ({@code java.io.tmpdir}) inside the instance's
 * directory. The WAR keeps the archive's name, so its context root is the one Arquillian's instance uses.
 */
public final class SecondPayaraMicro extends SecondInstance {

    private SecondPayaraMicro(Process process, Path dir, Path console, int port, String archiveName) {
        super("Payara Micro", process, dir, console, contextRoot(port, archiveName));
    }

    /** Exports {@code war} and launches Payara Micro on it; {@link #awaitDeployed} then waits for the application. */
    public static SecondPayaraMicro start(Archive<?> war) {
        Path jar = Path.of(required("tollgate.payara.micro.jar"));
        Path dir = newDirectory("second-payara-micro");
        try {
            Path file = dir.resolve(war.getName());
            war.as(ZipExporter.class).exportTo(file.toFile());
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            Path console = dir.resolve("console.log");
            int port = RedisServerProcess.freePort();
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-Djava.io.tmpdir=" + tmp,
                    "-jar", jar.toString(),
                    "--nocluster",
                    "--port", String.valueOf(port),
                    "--deploy", file.toString());
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(console.toFile())
                    .start();
            return new SecondPayaraMicro(process, dir, console, port, war.getName());
        } catch (IOException e) {
            RedisServerProcess.deleteDirectory(dir);
            throw new UncheckedIOException("Cannot launch Payara Micro", e);
        } catch (RuntimeException e) {
            RedisServerProcess.deleteDirectory(dir);
            throw e;
        }
    }
}
