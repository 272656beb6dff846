package dev.tollgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A private certificate authority made for one test with the JDK's {@code keytool}, so that nothing beyond the JDK
 * running the tests is needed (Debian's minimal images have no {@code openssl} command), and the files a TLS
 * {@code redis-server} and a client need: PEM certificates, a PEM (PKCS#8) server key, and trust stores. Keys are EC
 * P-256, valid for two days. {@code keytool} runs as a separate JVM (its classes are not exported), twice per CA:
 * once for the CA, once for a server certificate it signs ({@code -genkeypair -signer}); the rest is done here.
 */
public final class PrivateCa {

    private static final String PASSWORD = "keytool-work";

    private final Path dir;
    private final String file;
    private final Path store;
    private final Path certificate;

    private PrivateCa(Path dir, String file, Path store, Path certificate) {
        this.dir = dir;
        this.file = file;
        this.store = store;
        this.certificate = certificate;
    }

    /** A new CA named {@code CN=<name>}, its files in {@code dir}. */
    public static PrivateCa create(Path dir, String name) {
        String file = name.replaceAll("[^A-Za-z0-9]", "-");
        Path store = dir.resolve(file + ".p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        Path certificate = dir.resolve(file + "-ca.crt");
        writePem(certificate, "CERTIFICATE", encoded(load(store), "ca"));
        return new PrivateCa(dir, file, store, certificate);
    }

    /** The CA's certificate, PEM: what {@code tls-ca-cert-file} names. */
    public Path certificate() {
        return certificate;
    }

    /**
     * A server certificate for IP address {@code 127.0.0.1} (its subject alternative name, which a client verifying
     * host names checks), signed by this CA, and its key.
     *
     * @return the PEM certificate and the PEM key, in that order
     */
    public List<Path> issueServerCertificate() {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-signer", "ca", "-ext", "san=ip:127.0.0.1", "-ext", "eku=serverAuth",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        Path cert = dir.resolve(file + "-server.crt");
        Path key = dir.resolve(file + "-server.key");
        KeyStore keys = load(store);
        try {
            writePem(cert, "CERTIFICATE", encoded(keys, "server"));
            writePem(key, "PRIVATE KEY", keys.getKey("server", PASSWORD.toCharArray()).getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return List.of(cert, key);
    }

    /** A trust store of {@code type} holding this CA's certificate only. */
    public Path truststore(Path target, String type, String password) {
        try (OutputStream out = Files.newOutputStream(target)) {
            KeyStore trust = KeyStore.getInstance(type);
            trust.load(null, null);
            trust.setCertificateEntry("ca", load(store).getCertificate("ca"));
            trust.store(out, password.toCharArray());
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(Path store) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD.toCharArray());
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(KeyStore keys, String alias) {
        try {
            return keys.getCertificate(alias).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePem(Path target, String type, byte[] der) {
        try {
            Files.writeString(target, "-----BEGIN " + type + "-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END " + type + "-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // a short-lived JVM: starts faster without the optimizing compiler
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
