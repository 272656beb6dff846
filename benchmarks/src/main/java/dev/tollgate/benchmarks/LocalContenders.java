package dev.tollgate.benchmarks;

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

    static final class Bucket4jLocal implements Contender {
        private final Bucket[] buckets;

        Bucket4jLocal(String[] partitions, Policy limit) {
            buckets = new Bucket[partitions.length];
            for (int i = 0; i < partitions.length; i++) {
                buckets[i] = Bucket.builder()
                        .addLimit(BandwidthBuilder.builder().capacity(limit.permits())
                                .refillGreedy(limit.permits(), limit.window()).build())
                        .build();
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
            RateLimiterConfig config = RateLimiterConfig.custom()
                    .limitForPeriod((int) limit.permits())
                    .limitRefreshPeriod(limit.window())
                    .timeoutDuration(Duration.ZERO)
                    .build();
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
