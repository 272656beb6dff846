package dev.tollgate.benchmarks;

import dev.tollgate.RateLimit;
import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.call.CallRequest;
import dev.tollgate.internal.local.InMemoryRateLimitBackend;
import dev.tollgate.internal.local.InMemoryViolationStore;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.partition.PartitionKey;
import dev.tollgate.internal.ratelimit.GuardedLimit;
import dev.tollgate.internal.ratelimit.GuardedMethod;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.LimitSettings;
import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitEnforcer;
import dev.tollgate.internal.redis.RedisRateLimitBackend;
import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.internal.redis.RedisViolationStore;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.violations.ViolationSettings;
import dev.tollgate.internal.violations.ViolationStore;
import dev.tollgate.internal.violations.ViolationTracker;
import dev.tollgate.spi.PartitionKeyResolver;
import dev.tollgate.spi.TierResolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.reflect.Method;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Refusals per second through {@link RateLimitEnforcer}, with violation tracking off and on: what tracking costs a
 * refused call. Every partition's limit (1 per 366 days) is used up in the setup, so every measured call is refused.
 * On Redis ({@code -Dtollgate.bench.redis=redis://...}) the rankings go to the same Redis. The threshold is out of
 * reach, so no persistent violator is logged.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Refusals {

    /** {@code off}: no tracker; {@code on}: partitions by hash; {@code identities}: partitions in clear. */
    @Param({"off", "on", "identities"})
    public String tracking;

    @Param({"memory", "redis"})
    public String backend;

    @Param({"1", "10000"})
    public int keys;

    private RateLimitBackend limits;
    private RateLimitEnforcer enforcer;
    private GuardedMethod method;
    private Call[] calls;

    @Setup(Level.Trial)
    public void start() {
        String redis = System.getProperty("tollgate.bench.redis");
        if (backend.equals("redis")) {
            if (redis == null) {
                throw new IllegalStateException("set -Dtollgate.bench.redis=redis://host:port for backend=redis");
            }
            limits = RedisRateLimitBackend.connect(RedisSettings.forAddress(redis));
        } else {
            limits = new InMemoryRateLimitBackend();
        }
        ViolationTracker tracker = null;
        if (!tracking.equals("off")) {
            // No persistent violators: here every partition is refused all the time, and a log line for each of them
            // would measure the console, not the refused path.
            ViolationSettings settings = new ViolationSettings(true, ViolationSettings.DEFAULT_PERIOD_MILLIS,
                    ViolationSettings.DEFAULT_TOP, Long.MAX_VALUE, tracking.equals("identities"));
            ViolationStore store = limits instanceof RedisRateLimitBackend shared
                    ? new RedisViolationStore(shared.client(), "tollgate", Duration.ofSeconds(1), BackendCircuit.none(),
                            settings.top(), settings.periodMillis())
                    : new InMemoryViolationStore(settings.top());
            tracker = new ViolationTracker(settings, store, System::currentTimeMillis, violation -> { },
                    GuardMetrics.NONE);
        }
        enforcer = new RateLimitEnforcer(limits, null, GuardMetrics.NONE, tracker);
        LimitPolicy onePerYear = LimitPolicy.window(RateLimit.Algorithm.FIXED_WINDOW, 1, LimitPolicy.MAX_WINDOW_MILLIS);
        String limiter = "refusals-" + tracking + "-" + System.nanoTime();
        LimitSettings settings = new LimitSettings(limiter, onePerYear, Map.of(), 1, "param:user", false, 0,
                RateLimit.FailureMode.LOCAL);
        method = GuardedMethod.of("Refusals#call(String)", List.of(new GuardedLimit(settings, new UserKey())));
        calls = new Call[keys];
        for (int i = 0; i < keys; i++) {
            calls[i] = new BenchCall("user-" + i);
            limits.acquire(List.of(new LimitRequest(limiter, "p:user-" + i, onePerYear, 1)));
        }
    }

    @TearDown(Level.Trial)
    public void finish() {
        enforcer.close();
        limits.close();
    }

    @State(Scope.Thread)
    public static class Caller {
        private final SplittableRandom random = new SplittableRandom();

        int next(int keys) {
            return keys == 1 ? 0 : random.nextInt(keys);
        }
    }

    @Benchmark
    public boolean refuse(Caller caller) {
        return enforcer.enforce(method, calls[caller.next(keys)], null).decision().permitted();
    }

    /** {@code param:user}: the call's first argument, hashed as the real key would (here: prefixed). */
    private static final class UserKey implements PartitionKey {
        @Override
        public String resolve(Call call) {
            return "p:" + call.arguments()[0];
        }

        @Override
        public String clearValue(Call call) {
            return (String) call.arguments()[0];
        }
    }

    /** A call with one argument and no HTTP request. */
    private record BenchCall(String user) implements Call {
        @Override
        public Method method() {
            return null;
        }

        @Override
        public Object[] arguments() {
            return new Object[] {user};
        }

        @Override
        public Principal principal() {
            return null;
        }

        @Override
        public boolean isCallerInRole(String role) {
            return false;
        }

        @Override
        public CallRequest request() {
            return null;
        }

        @Override
        public String resolve(PartitionKeyResolver resolver) {
            return null;
        }

        @Override
        public String resolveTier(TierResolver resolver) {
            return null;
        }
    }
}
