package dev.tollgate.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.local.InMemoryRateLimitBackend;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The in-process contenders: Tollgate's in-memory backend (its {@code CONCURRENCY} limit: {@link ConcurrentCalls}),
 * Bucket4j's local bucket, resilience4j's RateLimiter.
 */
final class LocalContenders {

    private LocalContenders() {
    }

    static Contender create(String name, String[] partitions, Policy limit) {
        return switch (name) {
            case "tollgate-fixed" -> new Tollgate(Algorithm.FIXED_WINDOW, partitions, limit);
            case "tollgate-sliding" -> new Tollgate(Algorithm.SLIDING_WINDOW, partitions, limit);
            case "tollgate-bucket" -> new Tollgate(Algorithm.TOKEN_BUCKET, partitions, limit);
            case "tollgate-gcra" -> new Tollgate(Algorithm.GCRA, partitions, limit);
            case "tollgate-concurrency" -> new ConcurrentCalls(new InMemoryRateLimitBackend(), partitions);
            case "bucket4j" -> new Bucket4jLocal(partitions, limit);
            case "resilience4j" -> new Resilience4j(partitions, limit);
            case "bucket4j-cache" -> new PerKeyCache<>(partitions, limit, key -> bucket(limit), b -> b.tryConsume(1));
            case "resilience4j-cache" -> new PerKeyCache<>(partitions, limit,
                    key -> RateLimiter.of(key, resilience4jConfig(limit)), RateLimiter::acquirePermission);
            case "bucket4j-map" -> new PerKeyMap<>(partitions, key -> bucket(limit), b -> b.tryConsume(1));
            case "resilience4j-map" -> new PerKeyMap<>(partitions,
                    key -> RateLimiter.of(key, resilience4jConfig(limit)), RateLimiter::acquirePermission);
            default -> throw new IllegalArgumentException("Unknown in-memory contender " + name);
        };
    }

    static final class Tollgate implements Contender {
        private final InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend();
        private final List<List<LimitRequest>> requests;

        Tollgate(Algorithm algorithm, String[] partitions, Policy limit) {
            long permits = limit.permits();
            LimitPolicy policy = switch (algorithm) {
                case TOKEN_BUCKET -> LimitPolicy.tokenBucket(permits, limit.window().toMillis(), permits);
                case GCRA -> LimitPolicy.gcra(permits, limit.window().toMillis(), permits);
                default -> LimitPolicy.window(algorithm, permits, limit.window().toMillis());
            };
            requests = new ArrayList<>(partitions.length);
            for (String partition : partitions) {
                requests.add(List.of(new LimitRequest(Keys.LIMITER, partition, policy, 1)));
            }
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
     * A peer's limiter per key kept as an application keeps one per user or client: found by its key (the same
     * string the Redis peers get: limiter and partition joined) in a Caffeine cache, bounded and expiring a window
     * after its last use, created on first use. The bare contenders ({@code bucket4j}, {@code resilience4j}) find theirs
     * by index in an array, which no application keyed by user can do; Tollgate's engine always looks its state up by
     * (limiter, partition) in its store, so this is the like-for-like comparison for keyed limits.
     */
    static final class PerKeyCache<L> implements Contender {
        private final String[] keys;
        private final Cache<String, L> limiters;
        private final Function<String, L> create;
        private final Predicate<L> decide;

        PerKeyCache(String[] partitions, Policy limit, Function<String, L> create, Predicate<L> decide) {
            keys = peerNames(partitions);
            limiters = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(limit.window()).build();
            this.create = create;
            this.decide = decide;
        }

        @Override
        public boolean decide(int index) {
            return decide.test(limiters.get(keys[index], create));
        }

        @Override
        public void close() {
        }
    }

    /**
     * A peer's limiter per key found in a plain {@link ConcurrentHashMap} by its key (limiter and partition joined, as
     * {@link PerKeyCache}): the leanest keyed lookup there is, with no bound and no expiry (an application that keeps
     * limiters per caller this way keeps every caller's forever). It isolates what a keyed lookup costs from what
     * the limiter itself costs.
     */
    static final class PerKeyMap<L> implements Contender {
        private final String[] keys;
        private final ConcurrentHashMap<String, L> limiters = new ConcurrentHashMap<>();
        private final Function<String, L> create;
        private final Predicate<L> decide;

        PerKeyMap(String[] partitions, Function<String, L> create, Predicate<L> decide) {
            keys = peerNames(partitions);
            this.create = create;
            this.decide = decide;
        }

        @Override
        public boolean decide(int index) {
            String key = keys[index];
            L limiter = limiters.get(key);
            return decide.test(limiter != null ? limiter : limiters.computeIfAbsent(key, create));
        }

        @Override
        public void close() {
        }
    }

    /** The key of each partition's limiter, as the Redis peers name theirs ({@link Keys#peerName}). */
    private static String[] peerNames(String[] partitions) {
        String[] names = new String[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            names[i] = Keys.peerName(partitions[i]);
        }
        return names;
    }

    private static Bucket bucket(Policy limit) {
        return Bucket.builder()
                .addLimit(BandwidthBuilder.builder().capacity(limit.permits())
                        .refillGreedy(limit.permits(), limit.window()).build())
                .build();
    }

    private static RateLimiterConfig resilience4jConfig(Policy limit) {
        return RateLimiterConfig.custom()
                .limitForPeriod((int) limit.permits())
                .limitRefreshPeriod(limit.window())
                .timeoutDuration(Duration.ZERO)
                .build();
    }

    static final class Bucket4jLocal implements Contender {
        private final Bucket[] buckets;

        Bucket4jLocal(String[] partitions, Policy limit) {
            buckets = new Bucket[partitions.length];
            for (int i = 0; i < partitions.length; i++) {
                buckets[i] = bucket(limit);
            }
        }

        @Override
        public boolean decide(int index) {
            return buckets[index].tryConsume(1);
        }

        @Override
        public void close() {
        }
    }

    static final class Resilience4j implements Contender {
        private final RateLimiter[] limiters;

        Resilience4j(String[] partitions, Policy limit) {
            RateLimiterConfig config = resilience4jConfig(limit);
            limiters = new RateLimiter[partitions.length];
            for (int i = 0; i < partitions.length; i++) {
                limiters[i] = RateLimiter.of(Keys.peerName(partitions[i]), config);
            }
        }

        @Override
        public boolean decide(int index) {
            return limiters[index].acquirePermission();
        }

        @Override
        public void close() {
        }
    }
}
