package dev.tollgate.benchmarks;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.redis.RedisRateLimitBackend;
import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.internal.redis.RedissonClients;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.resilience.BreakerSettings;
import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import io.github.bucket4j.redis.redisson.cas.RedissonBasedProxyManager;
import org.redisson.Redisson;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

import java.time.Duration;
import java.util.List;

/**
 * The Redis-backed contenders. Every Redisson client, Tollgate's included, has the settings of Tollgate's own
 * {@code RedissonClients}: one server, a pool of 64 connections (4 kept idle), 1 s command timeout, no retries,
 * Redisson references off, Netty threads half the processors (at least one), Redisson's defaults otherwise. The one difference: Tollgate sends
 * EVALSHA itself, the peers have Redisson's script cache on, so that theirs go as EVALSHA too.
 *
 * <p>{@code tollgate-fixed-leased} and {@code tollgate-bucket-leased} are Tollgate with {@code @RateLimit(leasing =
 * true)}: the instance spends permits it leased from Redis in batches (one script call per batch) instead of making
 * one script call per decision.
 */
final class RedisContenders {

    private RedisContenders() {
    }

    static Contender create(String name, String address, String[] partitions, Policy policy) {
        return switch (name) {
            case "tollgate-fixed" -> new Tollgate(address, Algorithm.FIXED_WINDOW, partitions, policy);
            case "tollgate-fixed-leased" -> new Tollgate(Tollgate.backend(address), Algorithm.FIXED_WINDOW, partitions, policy,
                    true);
            case "tollgate-sliding" -> new Tollgate(address, Algorithm.SLIDING_WINDOW, partitions, policy);
            case "tollgate-bucket" -> new Tollgate(address, Algorithm.TOKEN_BUCKET, partitions, policy);
            case "tollgate-bucket-leased" -> new Tollgate(Tollgate.backend(address), Algorithm.TOKEN_BUCKET, partitions,
                    policy, true);
            case "tollgate-gcra" -> new Tollgate(address, Algorithm.GCRA, partitions, policy);
            case "tollgate-concurrency" -> new ConcurrentCalls(Tollgate.backend(address), partitions);
            case "bucket4j" -> new Bucket4j(address, partitions, policy, Optimization.NONE_OPTIMIZED);
            case "bucket4j-batching" -> new Bucket4j(address, partitions, policy, Optimizations.batching());
            case "rratelimiter" -> new RedissonRateLimiter(address, partitions, policy);
            case "incr" -> new Increment(address, partitions);
            default -> throw new IllegalArgumentException("Unknown Redis contender " + name);
        };
    }

    /** A client configured as Tollgate's {@code RedissonClients} configures its own. */
    static RedissonClient peerClient(String address) {
        Config config = new Config();
        config.useSingleServer()
                .setAddress(address)
                .setTimeout((int) RedisSettings.DEFAULT_COMMAND_TIMEOUT.toMillis())
                .setConnectTimeout((int) RedisSettings.DEFAULT_CONNECT_TIMEOUT.toMillis())
                .setRetryAttempts(RedisSettings.DEFAULT_RETRY_ATTEMPTS)
                .setRetryDelay(new ConstantDelay(RedisSettings.DEFAULT_RETRY_INTERVAL))
                .setConnectionMinimumIdleSize(4)
                .setConnectionPoolSize(64);
        config.setReferenceEnabled(false);
        config.setNettyThreads(RedissonClients.nettyThreads());
        // The peers' own scripts (RRateLimiter, and Bucket4j's CAS) go as EVALSHA, not as their whole text each time.
        config.setUseScriptCache(true);
        return Redisson.create(config);
    }

    /**
     * Tollgate's engine, called as the interceptor calls it: one prepared request list per partition, every decision
     * through the circuit breaker a deployment puts in front of Redis (default settings).
     */
    static final class Tollgate implements Contender {
        private final RedisRateLimitBackend backend;
        private final List<List<LimitRequest>> requests;

        Tollgate(String address, Algorithm algorithm, String[] partitions, Policy limit) {
            this(backend(address), algorithm, partitions, limit);
        }

        /** The same on a backend of the caller's (a cluster's, or one without batching: {@link ShardDecisions}). */
        Tollgate(RedisRateLimitBackend backend, Algorithm algorithm, String[] partitions, Policy limit) {
            this(backend, algorithm, partitions, limit, false);
        }

        /**
         * @param leased whether the permits are leased in batches ({@code @RateLimit(leasing = true)}), as the
         *               {@code tollgate-fixed-leased} and {@code tollgate-bucket-leased} contenders do
         */
        Tollgate(RedisRateLimitBackend backend, Algorithm algorithm, String[] partitions, Policy limit,
                 boolean leased) {
            this.backend = backend;
            LimitPolicy policy = switch (algorithm) {
                case TOKEN_BUCKET -> LimitPolicy.tokenBucket(limit.permits(), limit.window().toMillis(),
                        limit.permits());
                case GCRA -> LimitPolicy.gcra(limit.permits(), limit.window().toMillis(), limit.permits());
                default -> LimitPolicy.window(algorithm, limit.permits(), limit.window().toMillis());
            };
            requests = new java.util.ArrayList<>(partitions.length);
            for (String partition : partitions) {
                requests.add(List.of(new LimitRequest(Keys.LIMITER, partition, policy, 1, null, leased)));
            }
        }

        /** Tollgate's Redis backend with a deployment's defaults, behind the default circuit breaker. */
        static RedisRateLimitBackend backend(String address) {
            RedisSettings settings = RedisSettings.forAddress(address);
            return new RedisRateLimitBackend(RedissonClients.create(settings), true, settings.keyPrefix(),
                    settings.operationTimeout(),
                    new BackendCircuit("redis", BreakerSettings.DEFAULTS, GuardMetrics.NONE));
        }

        @Override
        public boolean decide(int index) {
            return backend.acquire(requests.get(index)).permitted();
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    /**
     * Bucket4j's Redisson backend (compare-and-swap), keys expiring once their bucket is full again. Either in its
     * default form ({@code bucket4j}: every {@code tryConsume} is its own read and compare-and-swap, retried when
     * another caller wrote first) or with the optimization Bucket4j's author points users with a contended bucket to,
     * {@link Optimizations#batching()} ({@code bucket4j-batching}): the callers of one bucket proxy that arrive while
     * a command of that proxy is in flight wait, and the next of them sends all their commands as one batch (one
     * read, one compare-and-swap). Batching is per proxy object, so each partition has exactly one proxy, built once
     * and reused, as the optimization requires. It does not change what is decided: every command still runs
     * against the state in Redis.
     */
    static final class Bucket4j implements Contender {
        private final RedissonClient client;
        private final BucketProxy[] buckets;

        Bucket4j(String address, String[] partitions, Policy limit, Optimization optimization) {
            client = peerClient(address);
            RedissonBasedProxyManager<String> proxies = Bucket4jRedisson
                    .casBasedBuilder(((Redisson) client).getCommandExecutor())
                    .expirationAfterWrite(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
            BucketConfiguration configuration = BucketConfiguration.builder()
                    .addLimit(BandwidthBuilder.builder().capacity(limit.permits())
                            .refillGreedy(limit.permits(), limit.window()).build())
                    .build();
            buckets = new BucketProxy[partitions.length];
            for (int i = 0; i < partitions.length; i++) {
                buckets[i] = proxies.builder().withOptimization(optimization)
                        .build(Keys.peerName(partitions[i]), () -> configuration);
            }
        }

        @Override
        public boolean decide(int index) {
            return buckets[index].tryConsume(1);
        }

        @Override
        public void close() {
            client.shutdown();
        }
    }

    /**
     * Redisson's own rate limiter. Its configuration is a key too, and expires with the others after the keep-alive:
     * an hour, since a limiter whose configuration has expired refuses to work ("RateLimiter is not initialized").
     */
    static final class RedissonRateLimiter implements Contender {
        private static final Duration KEEP_ALIVE = Duration.ofHours(1);
        private final RedissonClient client;
        private final RRateLimiter[] limiters;

        RedissonRateLimiter(String address, String[] partitions, Policy limit) {
            client = peerClient(address);
            limiters = new RRateLimiter[partitions.length];
            for (int i = 0; i < partitions.length; i++) {
                limiters[i] = client.getRateLimiter(Keys.peerName(partitions[i]));
                limiters[i].trySetRate(RateType.OVERALL, limit.permits(), limit.window(), KEEP_ALIVE);
            }
        }

        @Override
        public boolean decide(int index) {
            return limiters[index].tryAcquire();
        }

        @Override
        public void close() {
            client.shutdown();
        }
    }

    /** The floor: one INCR, one round trip, no script and no rate limiting at all. */
    static final class Increment implements Contender {
        private final RedissonClient client;
        private final RAtomicLong[] counters;

        Increment(String address, String[] partitions) {
            client = peerClient(address);
            counters = new RAtomicLong[partitions.length];
            for (int i = 0; i < partitions.length; i++) {
                counters[i] = client.getAtomicLong(Keys.peerName(partitions[i]));
            }
        }

        @Override
        public boolean decide(int index) {
            return counters[index].incrementAndGet() > 0;
        }

        @Override
        public void close() {
            client.shutdown();
        }
    }
}
