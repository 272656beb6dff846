package dev.tollgate.internal.redis;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

import java.io.File;
import java.io.IOException;

/** Builds the Redisson client Tollgate uses from its {@link RedisSettings}. */
public final class RedissonClients {

    private RedissonClients() {
    }

    /**
     * Creates a client. The connection is opened lazily, on the first command, so an application deploys even while
     * Redis is down. A call made while Redis does not answer gets what its failure mode says
     * ({@link dev.tollgate.RateLimit#failureMode()}, {@link dev.tollgate.Idempotent#failureMode()}); after repeated
     * failures the circuit breaker ({@link dev.tollgate.internal.resilience.BackendCircuit}) refuses calls to Redis
     * at once, so that they get it without waiting, and the readiness check
     * ({@link dev.tollgate.health.TollgateReadinessCheck}) reports the breaker's state.
     *
     * @throws IllegalArgumentException if the YAML file cannot be read or parsed, or the trust store cannot be used
     */
    public static RedissonClient create(RedisSettings settings) {
        return Redisson.create(config(settings));
    }

    static Config config(RedisSettings settings) {
        Config config;
        if (settings.configFile().isPresent()) {
            String file = settings.configFile().get();
            try {
                config = Config.fromYAML(new File(file), RedissonClients.class.getClassLoader());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("Cannot read the Redisson configuration file " + file + ": "
                        + e.getMessage(), e);
            }
        } else {
            config = new Config();
            config.useSingleServer()
                    .setAddress(settings.address().orElseThrow())
                    .setDatabase(settings.database())
                    .setTimeout(millis(settings.commandTimeout().toMillis()))
                    .setConnectTimeout(millis(settings.connectTimeout().toMillis()))
                    .setRetryAttempts(settings.retryAttempts())
                    .setRetryDelay(new ConstantDelay(settings.retryInterval()))
                    // Each decision is one short script call, but bursts of concurrent calls each hold a
                    // connection for a round trip.
                    .setConnectionMinimumIdleSize(4)
                    .setConnectionPoolSize(64);
            // Redisson 4 keeps credentials and TLS on the top-level configuration.
            settings.username().ifPresent(config::setUsername);
            settings.password().ifPresent(config::setPassword);
            // Loaded here rather than by Redisson, so that the store's type is ours to choose and a bad store fails
            // now. Without a store, a rediss:// connection trusts what the JDK trusts: never everything.
            if (settings.truststore().isPresent()) {
                config.setSslTrustManagerFactory(RedisTruststore.trustManagers(settings));
            }
            config.setNettyThreads(nettyThreads());
        }
        config.setLazyInitialization(true);
        // Tollgate calls EVALSHA itself and falls back to one plain EVAL on NOSCRIPT; Redisson's own script cache
        // would turn that EVAL into EVALSHA, SCRIPT LOAD and EVALSHA again.
        config.setUseScriptCache(false);
        // Tollgate stores no Redisson objects inside values. With references enabled, Redisson inspects every
        // element of every reply for one (reflection per element): for the script's list reply that doubled the
        // client's CPU per decision in the benchmarks (docs/benchmarks.md).
        config.setReferenceEnabled(false);
        // Every command Tollgate sends names its codec (LuaScript, the violation store). Redisson's default codec,
        // Kryo5Codec, would otherwise be built at startup and need Kryo, which the extension's POM excludes (with
        // Redisson's other unused dependencies) to keep users' WARs lean; a codec set in a YAML file is replaced
        // for the same reason.
        config.setCodec(StringCodec.INSTANCE);
        return config;
    }

    /**
     * Reads the trust store of {@code settings} as a connection would, so that a deployment fails at once on one that
     * cannot be used.
     *
     * @throws IllegalArgumentException naming the store and the reason
     */
    public static void checkTruststore(RedisSettings settings) {
        RedisTruststore.trustManagers(settings);
    }

    /**
     * Half the processors, at least one, instead of Redisson's fixed 32. A decision waits for one short reply; with
     * many event-loop threads each reply wakes a thread of its own, which on a small machine costs more CPU than the
     * command. Measured with the HTTP benchmark (docs/benchmarks.md) on 2 cores, at about 1,000 decisions a second
     * inside Payara Micro: 1,200 requests a second with 32 threads, 1,340 with 4, 1,370 with 2, 1,480 with 1.
     */
    public static int nettyThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    private static int millis(long value) {
        return (int) Math.min(Integer.MAX_VALUE, value);
    }
}
