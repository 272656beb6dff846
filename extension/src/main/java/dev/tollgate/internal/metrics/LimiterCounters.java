package dev.tollgate.internal.metrics;

import jakarta.enterprise.inject.Instance;

import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Two counters per limiter ({@code permitted}, {@code rejected}) of {@link GuardMetrics#CALLS}, whatever the
 * metrics library: subclasses only say where the registry comes from and how to create and increment a counter.
 *
 * @param <R> the library's registry type
 * @param <C> the library's counter type
 */
abstract class LimiterCounters<R, C> implements GuardMetrics {

    private record Pair<C>(C permitted, C rejected) {
    }

    private record Leasing<C>(C leases, C leased, C returned) {
    }

    private final Map<String, Pair<C>> counters = new ConcurrentHashMap<>();
    private final Map<String, C> persistentViolators = new ConcurrentHashMap<>();
    /** Leasing counters by limiter: {@link GuardMetrics#LEASES}, {@link GuardMetrics#LEASED_PERMITS}, returned. */
    private final Map<String, Leasing<C>> leasing = new ConcurrentHashMap<>();
    /** Idempotency counters by scope, then result. */
    private final Map<String, Map<String, C>> idempotency = new ConcurrentHashMap<>();
    private volatile R registry;
    private volatile LongConsumer backendTimer = nanos -> { };
    private volatile C backendFailures;
    /** Held here because Micrometer holds a gauge's object only weakly. */
    private volatile IntSupplier breakerState;
    private final Map<RateLimit.FailureMode, C> fallbacks = new EnumMap<>(RateLimit.FailureMode.class);
    private final Map<Idempotent.FailureMode, C> idempotencyFallbacks = new EnumMap<>(Idempotent.FailureMode.class);

    /** The injected registry, which may be unsatisfied. */
    protected abstract Instance<R> registries();

    protected abstract C counter(R registry, String limiter, String result);

    /** A counter of {@link GuardMetrics#IDEMPOTENCY_CALLS} with tags {@code method} and {@code result}. */
    protected abstract C idempotencyCounter(R registry, String scope, String result);

    protected abstract void increment(C counter);

    /** Adds {@code amount} (at least 1) to {@code counter}. */
    protected abstract void increment(C counter, long amount);

    /** A counter called {@code name} with one tag. */
    protected abstract C taggedCounter(R registry, String name, String description, String tag, String value);

    /** A gauge called {@code name}, tagged {@code backend}, reading {@code value}. */
    protected abstract void gauge(R registry, String name, String description, String backend, IntSupplier value);

    /** A timer called {@code name}, tagged {@code backend}; the consumer records one duration in nanoseconds. */
    protected abstract LongConsumer timer(R registry, String name, String description, String backend);

    /** The API may be present without an implementation behind it (say, the API jar inside a WAR). */
    @Override
    public boolean available() {
        return registries().isResolvable();
    }

    @Override
    public void register(Collection<String> limiters) {
        registry = registries().get();
        limiters.forEach(this::countersOf);
        limiters.forEach(this::persistentViolatorsOf);
    }

    @Override
    public synchronized void registerBackend(String backend, IntSupplier breakerState) {
        R registry = registry();
        backendTimer = timer(registry, BACKEND_CALLS, "Latency of Tollgate's calls to its backend", backend);
        backendFailures = taggedCounter(registry, BACKEND_FAILURES,
                "Calls to Tollgate's backend that got no answer (timeout, refused connection, error)", "backend",
                backend);
        this.breakerState = breakerState;
        gauge(registry, BREAKER_STATE, "State of the circuit breaker in front of Tollgate's backend: 0 closed,"
                + " 1 open, 2 half-open", backend, breakerState);
        for (RateLimit.FailureMode mode : RateLimit.FailureMode.values()) {
            fallbacks.put(mode, taggedCounter(registry, RATELIMIT_FALLBACKS, "Rate-limit decisions made by a"
                    + " failure mode while the backend was unavailable", "mode", tagValue(mode)));
        }
        for (Idempotent.FailureMode mode : Idempotent.FailureMode.values()) {
            idempotencyFallbacks.put(mode, taggedCounter(registry, IDEMPOTENCY_FALLBACKS, "Idempotent calls"
                    + " handled by a failure mode while the store was unavailable", "mode", tagValue(mode)));
        }
    }

    /** The registry, looked up on the first registration. */
    private R registry() {
        if (registry == null) {
            registry = registries().get();
        }
        return registry;
    }

    private static String tagValue(Enum<?> mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void recordBackendCall(long nanos, boolean failed) {
        backendTimer.accept(nanos);
        C failures = backendFailures;
        if (failed && failures != null) {
            increment(failures);
        }
    }

    @Override
    public void recordFallback(RateLimit.FailureMode mode) {
        C counter = fallbacks.get(mode);
        if (counter != null) {
            increment(counter);
        }
    }

    @Override
    public void recordIdempotencyFallback(Idempotent.FailureMode mode) {
        C counter = idempotencyFallbacks.get(mode);
        if (counter != null) {
            increment(counter);
        }
    }

    @Override
    public void registerIdempotency(Collection<String> scopes) {
        registry();
        scopes.forEach(this::idempotencyCountersOf);
    }

    @Override
    public void recordIdempotency(String scope, String result) {
        C counter = idempotencyCountersOf(scope).get(result);
        if (counter == null) {
            throw new IllegalArgumentException("Unknown idempotency result " + result);
        }
        increment(counter);
    }

    private Map<String, C> idempotencyCountersOf(String scope) {
        return idempotency.computeIfAbsent(scope, name -> {
            Map<String, C> byResult = new java.util.HashMap<>();
            for (String result : IDEMPOTENCY_RESULTS) {
                byResult.put(result, idempotencyCounter(registry, name, result));
            }
            return Map.copyOf(byResult);
        });
    }

    @Override
    public void recordPersistentViolator(String limiter) {
        increment(persistentViolatorsOf(limiter));
    }

    private C persistentViolatorsOf(String limiter) {
        return persistentViolators.computeIfAbsent(limiter, name -> taggedCounter(registry(), PERSISTENT_VIOLATORS,
                "Partitions refused more than tollgate.violations.persistent-threshold times in one violation period",
                "limiter", name));
    }

    @Override
    public void recordLease(String limiter, long permits) {
        Leasing<C> counters = leasingOf(limiter);
        increment(counters.leases());
        increment(counters.leased(), permits);
    }

    @Override
    public void recordReturnedPermits(String limiter, long permits) {
        increment(leasingOf(limiter).returned(), permits);
    }

    private Leasing<C> leasingOf(String limiter) {
        return leasing.computeIfAbsent(limiter, name -> {
            R registry = registry();
            return new Leasing<>(
                    taggedCounter(registry, LEASES, "Permit leases Redis granted", "limiter", name),
                    taggedCounter(registry, LEASED_PERMITS, "Permits leased from Redis", "limiter", name),
                    taggedCounter(registry, RETURNED_PERMITS, "Unspent leased permits Redis took back", "limiter",
                            name));
        });
    }

    @Override
    public void record(String limiter, boolean permitted) {
        Pair<C> pair = countersOf(limiter);
        increment(permitted ? pair.permitted() : pair.rejected());
    }

    private Pair<C> countersOf(String limiter) {
        return counters.computeIfAbsent(limiter,
                name -> new Pair<>(counter(registry, name, "permitted"), counter(registry, name, "rejected")));
    }
}
