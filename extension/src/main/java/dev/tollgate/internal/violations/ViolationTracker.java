package dev.tollgate.internal.violations;

import dev.tollgate.PersistentViolation;
import dev.tollgate.internal.metrics.GuardMetrics;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts refusals off the refused call's path. A refusal is added to a count held in memory (a map lookup and an
 * increment: no I/O, no lock held across calls); once a second one thread of Tollgate's own sends the counts to the
 * {@link ViolationStore}, one addition per limiter, and hears back each partition's new total. A partition whose total
 * crosses the persistent-violator threshold with that addition is reported there: a log line, a counter and a CDI
 * event. With Redis the totals are those of every instance (a sorted set's {@code ZINCRBY} answers the new score
 * atomically), so exactly one instance sees the crossing and reports it: once per partition and period.
 *
 * <p>What it costs is bounded: at most {@value #MAX_PENDING} distinct (limiter, partition) counts wait for a flush;
 * refusals of further partitions before the next flush are not tracked (counted, and logged at {@code FINE}), so a
 * flood of made-up partitions costs a bounded map and one bounded addition a second.
 *
 * <p>Shadow refusals are tracked the same way and also logged when they happen, one line per partition and period
 * (at most {@value #MAX_PENDING} lines per period), so that shadow mode shows what it would have refused.
 *
 * <p>Periods are the application server's clock, aligned to the epoch: they group refusals for people to read, and
 * decide nothing.
 */
public final class ViolationTracker implements AutoCloseable {

    /** Distinct (limiter, partition) counts waiting for a flush, at most. */
    static final int MAX_PENDING = 10_000;
    static final long FLUSH_MILLIS = 1_000;

    private static final Logger LOG = Logger.getLogger(ViolationTracker.class.getName());

    private final ViolationSettings settings;
    private final ViolationStore store;
    private final LongSupplier clock;
    private final Consumer<PersistentViolation> events;
    private final GuardMetrics metrics;
    private final Map<Key, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Key, Boolean> shadowLogged = new ConcurrentHashMap<>();
    /** The context of each count being flushed, until the store has answered. */
    private final Map<Key, Context> contexts = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private ScheduledThreadPoolExecutor flusher;
    private boolean closed;

    /**
     * @param clock  epoch milliseconds
     * @param events receives each persistent violation (fires the CDI event)
     */
    public ViolationTracker(ViolationSettings settings, ViolationStore store, LongSupplier clock,
                            Consumer<PersistentViolation> events, GuardMetrics metrics) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.events = events;
        this.metrics = metrics;
    }

    public ViolationSettings settings() {
        return settings;
    }

    public ViolationStore store() {
        return store;
    }

    /** The period {@code epochMillis} falls in. */
    public long periodOf(long epochMillis) {
        return Math.floorDiv(epochMillis, settings.periodMillis());
    }

    /** The current period. */
    public long currentPeriod() {
        return periodOf(clock.getAsLong());
    }

    /** Where a refusal happened, as reported with a persistent violation. */
    public record Context(String method, String key, String clientAddress, boolean shadow) {
    }

    private record Key(String limiter, String partition, long period) {
    }

    private static final class Pending {
        /** Taken with getAndSet(0) by each flush: exact, where a LongAdder's sumThenReset could lose an increment. */
        final AtomicLong refusals = new AtomicLong();
        volatile Context context;

        Pending(Context context) {
            this.context = context;
        }
    }

    /**
     * Counts one refusal of {@code partition} by {@code limiter}. Never blocks and never throws: a refused call pays a
     * map lookup and an increment.
     */
    public void refused(String limiter, String partition, Context context) {
        Key key = new Key(limiter, partition, currentPeriod());
        Pending counted = pending.get(key);
        if (counted == null) {
            if (pending.size() >= MAX_PENDING) {
                dropped.incrementAndGet();
                return;
            }
            counted = pending.computeIfAbsent(key, k -> new Pending(context));
            startFlushing();
        }
        counted.context = context;
        counted.refusals.incrementAndGet();
        if (context.shadow() && shadowLogged.size() < MAX_PENDING && shadowLogged.putIfAbsent(key, true) == null) {
            LOG.info(() -> "Tollgate shadow mode: limit " + limiter + " on " + context.method() + " would have refused"
                    + " partition " + partition + describe(context) + "; the call went ahead (further shadow refusals"
                    + " of this partition are not logged until the period ends)");
        }
    }

    /** Sends what has been counted to the store. Called once a second by the flusher; for tests, directly. */
    public void flush() {
        Map<String, Map<Key, Long>> byLimiter = new HashMap<>();
        for (Iterator<Map.Entry<Key, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Pending> entry = it.next();
            long refusals = entry.getValue().refusals.getAndSet(0);
            if (refusals > 0) {
                byLimiter.computeIfAbsent(entry.getKey().limiter(), l -> new HashMap<>()).put(entry.getKey(), refusals);
                contexts.put(entry.getKey(), entry.getValue().context);
            } else {
                // Idle for a whole flush (or of a past period): its place goes to other partitions.
                it.remove();
            }
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOG.fine(() -> "Tollgate: " + lost + " refusals of partitions beyond the " + MAX_PENDING
                    + " tracked per second were not counted in the violation rankings");
        }
        long current = currentPeriod();
        shadowLogged.keySet().removeIf(key -> key.period() < current);
        for (Map.Entry<String, Map<Key, Long>> limiter : byLimiter.entrySet()) {
            Map<Long, Map<String, Long>> byPeriod = new HashMap<>();
            limiter.getValue().forEach((key, refusals) ->
                    byPeriod.computeIfAbsent(key.period(), p -> new HashMap<>()).put(key.partition(), refusals));
            byPeriod.forEach((period, counts) -> add(limiter.getKey(), period, counts));
        }
    }

    private void add(String limiter, long period, Map<String, Long> counts) {
        try {
            store.add(limiter, period, counts).whenComplete((totals, failure) -> {
                if (failure != null) {
                    LOG.log(Level.FINE, failure, () -> "Tollgate: could not add " + counts.size()
                            + " partitions' refusals to the violation ranking of " + limiter);
                } else {
                    totals.forEach((partition, total) -> {
                        long added = counts.getOrDefault(partition, 0L);
                        if (total - added <= settings.threshold() && total > settings.threshold()) {
                            persistent(limiter, partition, period, total);
                        }
                    });
                }
                counts.keySet().forEach(partition -> contexts.remove(new Key(limiter, partition, period)));
            });
        } catch (RuntimeException e) {
            counts.keySet().forEach(partition -> contexts.remove(new Key(limiter, partition, period)));
            LOG.log(Level.FINE, e, () -> "Tollgate: could not add refusals to the violation ranking of " + limiter);
        }
    }

    private void persistent(String limiter, String partition, long period, long refusals) {
        Context context = contexts.getOrDefault(new Key(limiter, partition, period),
                new Context("?", "?", null, false));
        Instant start = Instant.ofEpochMilli(period * settings.periodMillis());
        Duration length = Duration.ofMillis(settings.periodMillis());
        LOG.warning(() -> "Tollgate: persistent violator of limit " + limiter + " on " + context.method()
                + ": partition " + partition + " refused " + refusals + " times in the " + length + " period from "
                + start + " (more than " + settings.threshold() + ")" + describe(context)
                + (context.shadow() ? "; the limit is in shadow mode, so the calls went ahead" : ""));
        metrics.recordPersistentViolator(limiter);
        try {
            events.accept(new PersistentViolation(limiter, context.method(), context.key(), partition, refusals,
                    start, length, context.clientAddress(), context.shadow()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "Tollgate: an observer of PersistentViolation failed");
        }
    }

    private static String describe(Context context) {
        return " (key " + (context.key().isEmpty() ? "shared" : context.key())
                + (context.clientAddress() == null ? "" : ", client " + context.clientAddress()) + ")";
    }

    private synchronized void startFlushing() {
        if (flusher != null || closed) {
            return;
        }
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "tollgate-violations");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Tollgate: a violation flush failed", e);
            }
        }, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        flusher = executor;
    }

    /** Stops flushing; what was not flushed yet is dropped. Closes the store. */
    @Override
    public synchronized void close() {
        closed = true;
        if (flusher != null) {
            flusher.shutdownNow();
        }
        store.close();
    }
}
