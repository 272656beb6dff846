package dev.tollgate.internal.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach Redis: the {@code tollgate.redis.*} settings, resolved once.
 *
 * @param address           {@code redis://host:port} or {@code rediss://host:port} (TLS) of a single server;
 *                          empty when {@code configFile} is given
 * @param configFile        a Redisson YAML file (Sentinel, Cluster, or anything Redisson supports); when given,
 *                          it is used as is, and only {@code keyPrefix} and {@code operationTimeout} apply on top
 * @param username          ACL user name, if any
 * @param password          password, if any
 * @param truststore        file or URL of a trust store for TLS ({@code rediss://}), if the server's certificate is
 *                          not signed by a CA the JDK trusts; only with a {@code rediss://} address
 * @param truststorePassword password of the trust store, if any
 * @param truststoreType    its {@link java.security.KeyStore} type, {@code PKCS12} by default
 * @param database          database index (single server only), {@code >= 0}
 * @param commandTimeout    how long Redisson waits for one reply before giving up; {@code > 0}
 * @param connectTimeout    how long opening a connection may take; {@code > 0}
 * @param retryAttempts     how often Redisson retries a command it could not send; {@code >= 0}
 * @param retryInterval     pause between those attempts; {@code >= 0}
 * @param keyPrefix         first segment of every key Tollgate writes, so several applications can share a
 *                          Redis; non-empty, without braces or whitespace
 */
public record RedisSettings(
        Optional<String> address,
        Optional<String> configFile,
        Optional<String> username,
        Optional<String> password,
        Optional<String> truststore,
        Optional<String> truststorePassword,
        String truststoreType,
        int database,
        Duration commandTimeout,
        Duration connectTimeout,
        int retryAttempts,
        Duration retryInterval,
        String keyPrefix) {

    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(1000);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * No retries by default: with retries, Redisson gives a command only the retry interval (not the command
     * timeout) to get a pooled connection and be written, and under a burst of concurrent calls some did not make
     * it (seen on WildFly with 100 simultaneous requests). Without retries that phase has the whole timeout.
     */
    public static final int DEFAULT_RETRY_ATTEMPTS = 0;
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofMillis(100);
    public static final String DEFAULT_KEY_PREFIX = "tollgate";
    public static final String DEFAULT_TRUSTSTORE_TYPE = "PKCS12";

    public RedisSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(truststore, "truststore");
        Objects.requireNonNull(truststorePassword, "truststorePassword");
        Objects.requireNonNull(truststoreType, "truststoreType");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(retryInterval, "retryInterval");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (address.isPresent() == configFile.isPresent()) {
            throw new IllegalArgumentException("exactly one of address and configFile must be set, was address="
                    + address.orElse("<none>") + ", configFile=" + configFile.orElse("<none>"));
        }
        address.ifPresent(a -> {
            if (!a.startsWith("redis://") && !a.startsWith("rediss://")) {
                throw new IllegalArgumentException(
                        "address must start with redis:// or rediss:// (TLS), was " + a);
            }
        });
        if (truststore.isPresent() && address.isPresent() && !address.get().startsWith("rediss://")) {
            // A trust store with a plain address would be ignored: the connection would not be encrypted.
            throw new IllegalArgumentException("truststore is only used with a rediss:// (TLS) address, was "
                    + address.get());
        }
        if (truststore.isPresent() && configFile.isPresent()) {
            throw new IllegalArgumentException("truststore does not apply to a configuration file: set sslTruststore"
                    + " in " + configFile.get());
        }
        if (truststoreType.isBlank()) {
            throw new IllegalArgumentException("truststoreType must not be blank");
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must be >= 0, was " + database);
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be > 0, was " + commandTimeout);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be > 0, was " + connectTimeout);
        }
        if (retryAttempts < 0) {
            throw new IllegalArgumentException("retryAttempts must be >= 0, was " + retryAttempts);
        }
        if (retryInterval.isNegative()) {
            throw new IllegalArgumentException("retryInterval must be >= 0, was " + retryInterval);
        }
        if (keyPrefix.isEmpty() || !keyPrefix.chars().allMatch(RedisSettings::isPrefixChar)) {
            throw new IllegalArgumentException(
                    "keyPrefix must be non-empty and use only [A-Za-z0-9._:-], was '" + keyPrefix + "'");
        }
    }

    /** Settings for one server at {@code address}, everything else at its default. */
    public static RedisSettings forAddress(String address) {
        return new RedisSettings(Optional.of(address), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), DEFAULT_TRUSTSTORE_TYPE, 0, DEFAULT_COMMAND_TIMEOUT,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_RETRY_ATTEMPTS, DEFAULT_RETRY_INTERVAL, DEFAULT_KEY_PREFIX);
    }

    /**
     * The longest a caller can wait for one decision: every attempt timing out, with the pauses between them,
     * plus a little slack for scheduling. Past it the backend gives up on its own, whatever Redisson does.
     */
    public Duration operationTimeout() {
        return commandTimeout.multipliedBy(retryAttempts + 1L)
                .plus(retryInterval.multipliedBy(retryAttempts))
                .plusMillis(50);
    }

    public RedisSettings withKeyPrefix(String prefix) {
        return new RedisSettings(address, configFile, username, password, truststore, truststorePassword,
                truststoreType, database, commandTimeout, connectTimeout, retryAttempts, retryInterval, prefix);
    }

    public RedisSettings withTimeouts(Duration command, int retries, Duration interval) {
        return new RedisSettings(address, configFile, username, password, truststore, truststorePassword,
                truststoreType, database, command, connectTimeout, retries, interval, keyPrefix);
    }

    /** These settings with an ACL user (or, without {@code user}, the default user) and its password. */
    public RedisSettings withCredentials(Optional<String> user, String secret) {
        return new RedisSettings(address, configFile, user, Optional.of(secret), truststore, truststorePassword,
                truststoreType, database, commandTimeout, connectTimeout, retryAttempts, retryInterval, keyPrefix);
    }

    /** These settings with a trust store. */
    public RedisSettings withTruststore(String location, Optional<String> storePassword, String type) {
        return new RedisSettings(address, configFile, username, password, Optional.of(location), storePassword, type,
                database, commandTimeout, connectTimeout, retryAttempts, retryInterval, keyPrefix);
    }

    private static boolean isPrefixChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '-';
    }

    /** Never prints the passwords. */
    @Override
    public String toString() {
        return "RedisSettings[" + address.map(a -> "address=" + a).orElse("configFile=" + configFile.orElse(""))
                + ", username=" + username.orElse("<none>") + ", password=" + (password.isPresent() ? "***" : "<none>")
                + ", truststore=" + truststore.map(t -> t + " (" + truststoreType + ")").orElse("<none>")
                + ", database=" + database
                + ", commandTimeout=" + commandTimeout + ", connectTimeout=" + connectTimeout
                + ", retryAttempts=" + retryAttempts + ", retryInterval=" + retryInterval
                + ", keyPrefix=" + keyPrefix + "]";
    }
}
