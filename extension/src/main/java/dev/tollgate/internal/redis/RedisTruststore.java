package dev.tollgate.internal.redis;

import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;

/**
 * The trust store of a TLS connection to Redis ({@code tollgate.redis.truststore}), loaded by Tollgate rather than by
 * Redisson: so a missing, unreadable or wrongly typed file, a wrong password or a store without certificates fails the
 * deployment with a message naming the file, instead of every connection failing later at run time.
 */
final class RedisTruststore {

    private RedisTruststore() {
    }

    /**
     * The trust managers of {@code settings}' trust store.
     *
     * @throws IllegalArgumentException naming the location and the reason, if the store cannot be used
     */
    static TrustManagerFactory trustManagers(RedisSettings settings) {
        KeyStore store = load(settings);
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot use the trust store " + settings.truststore().orElseThrow()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the store: a file path or a URL ({@code file:}, {@code jar:}, ...), of {@code settings.truststoreType()},
     * opened with the password if one is set. It must hold at least one certificate.
     *
     * @throws IllegalArgumentException naming the location and the reason, if the store cannot be read
     */
    static KeyStore load(RedisSettings settings) {
        String location = settings.truststore().orElseThrow();
        String type = settings.truststoreType();
        KeyStore store;
        try {
            store = KeyStore.getInstance(type);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Unknown trust store type " + type + " for " + location, e);
        }
        try (InputStream in = url(location).openStream()) {
            store.load(in, settings.truststorePassword().map(String::toCharArray).orElse(null));
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new IllegalArgumentException("Cannot read the trust store " + location + ": no such file", e);
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password and a file of another type both end up here (IOException from KeyStore.load).
            throw new IllegalArgumentException("Cannot read the trust store " + location + " as " + type
                    + " (wrong password or type?): " + e.getMessage(), e);
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isCertificateEntry(alias) || store.getCertificate(alias) != null) {
                    return store;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read the trust store " + location + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("The trust store " + location + " holds no certificate"
                + (settings.truststorePassword().isEmpty()
                ? " readable without a password (tollgate.redis.truststore-password)" : ""));
    }

    private static URL url(String location) throws IOException {
        try {
            return location.contains(":") && !new File(location).exists()
                    ? new URI(location).toURL()
                    : new File(location).toURI().toURL();
        } catch (MalformedURLException | URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a valid trust store location: " + location, e);
        }
    }
}
