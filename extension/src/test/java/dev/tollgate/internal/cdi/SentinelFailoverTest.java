package dev.tollgate.internal.cdi;

import dev.tollgate.IdempotencyConflictException;
import dev.tollgate.IdempotencyKey;
import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.internal.readiness.BackendReadiness;
import dev.tollgate.internal.redis.RateLimitKeys;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisSentinelGroup;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both guards in a real CDI container (Weld SE) on Redis behind Sentinel (a master, a replica, three Sentinels),
 * connected through the shipped {@code sentinel.yaml} ({@code tollgate.redis.config-file}), while 32 threads call
 * and the master is killed ({@code SIGKILL}): with the default failure modes and the breaker on, no call fails but
 * with what its failure mode promises, and decisions move to the promoted replica. What the failover costs is
 * measured and printed, never asserted: permits admitted beyond the limit (by the local fallback, and by Redis for
 * increments the replica never received), seconds until decisions are on the new master, and what callers saw
 * meanwhile. Only generous bounds are asserted.
 */
class SentinelFailoverTest {

    private static final int LIMIT = 2_000;
    private static final int CALLERS = 32;
    private static final String LIMITER = "sentinel-failover";
    /**
     * How long decisions may take to reach the promoted replica before the test fails: a generous bound. A Sentinel
     * starved of CPU for 2 s enters TILT mode and acts on nothing for 30 s; seen once here (load average 48 on 2 cores),
     * when the replica was promoted 41 s after the kill.
     */
    private static final long BACK_ON_REDIS_SECONDS = 90;

    @ApplicationScoped
    public static class Guarded {
        private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

        /**
         * A sliding window of an hour: nothing expires during the test, so the limit stays exhausted (a fixed window
         * could roll over at the top of the hour), and its sorted set counts admissions one by one ({@code ZCARD}).
         */
        @RateLimit(name = LIMITER, limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
                algorithm = RateLimit.Algorithm.SLIDING_WINDOW)
        public void decide() {
        }

        /** Opens the connection before the callers start (another limiter: {@link #decide}'s count stays theirs). */
        @RateLimit(name = "sentinel-warm-up", limit = 1_000_000, window = 1, windowUnit = ChronoUnit.HOURS)
        public void warmUp() {
        }

        @Idempotent(ttl = 1, ttlUnit = ChronoUnit.HOURS)
        public String pay(@IdempotencyKey String key) {
            runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return "paid " + key;
        }

        int runs(String key) {
            AtomicInteger count = runs.get(key);
            return count == null ? 0 : count.get();
        }
    }

    @ApplicationScoped
    public static class Registry {
        static volatile SimpleMeterRegistry registry = new SimpleMeterRegistry();

        @Produces
        MeterRegistry registry() {
            return registry;
        }
    }

    private static TollgateContainer start(RedisSentinelGroup group) {
        Registry.registry = new SimpleMeterRegistry();
        // Everything at its default but the connection, and no violation rankings: their scripts would count as
        // script calls on the new master, which is how this test sees decisions arrive there.
        return TollgateContainer.start(new HashMap<>(Map.of(
                        "tollgate.redis.config-file", group.redissonConfig().toString(),
                        "tollgate.violations.enabled", "false")),
                Guarded.class, Registry.class);
    }

    @Test
    void rateLimitsFallBackToLocalDuringTheFailoverAndReturnToTheNewMaster() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start(RedisBinary.EMBEDDED_6_2);
             TollgateContainer container = start(group)) {
            Guarded guarded = container.bean(Guarded.class);
            String key = "tollgate:{-}" + RateLimitKeys.limiterId(RateLimit.Algorithm.SLIDING_WINDOW, LIMITER);
            warmUp(container, guarded);
            Callers callers = new Callers(i -> () -> {
                try {
                    guarded.decide();
                    return Outcome.PERMITTED;
                } catch (RateLimitExceededException e) {
                    return Outcome.REFUSED;
                }
            });
            callers.start();
            Failover failover;
            long masterHad;
            try {
                // Killed as soon as the master holds the whole limit, while callers are refused by it and its last
                // admissions may still be on their way to the replica.
                try (RedisInspector master = group.inspector(group.masterPort())) {
                    awaitQuietly("the limit to be exhausted on the master", 60,
                            () -> (Long) master.call("ZCARD", key) >= LIMIT);
                    masterHad = (Long) master.call("ZCARD", key);
                }
                failover = Failover.run(group, container, key);
                Thread.sleep(1_000); // decisions on the new master for a while
            } finally {
                callers.stop();
            }
            long end = System.nanoTime();

            long onNewMaster;
            try (RedisInspector newMaster = group.inspector(failover.newMaster)) {
                onNewMaster = (Long) newMaster.call("ZCARD", key);
            }
            Counts before = callers.between(0, failover.killedAt);
            Counts during = callers.between(failover.killedAt, failover.backAt);
            Counts after = callers.between(failover.backAt, end);
            Counts all = callers.between(0, end);
            long overAdmitted = all.permitted - LIMIT;
            long byRedisAfterFailover = onNewMaster - failover.replicaHad;
            long byLocal = overAdmitted - byRedisAfterFailover;
            System.out.printf("Sentinel failover, rate limit of %d (sliding window, 1 h), %d callers, LOCAL, breaker on:%n"
                            + "  promoted after %.2f s, decisions on the new master after %.2f s, breaker closed after %.2f s%n"
                            + "  the replica had %d of the %d admissions when the master died (lost: %d)%n"
                            + "  over-admitted: %d (local fallback %d, Redis on the promoted replica %d)%n"
                            + "  calls before the kill %s; from the kill until decisions were on the new master %s;"
                            + " after %s%n"
                            + "  LOCAL fallback decisions %.0f, slowest call %.0f ms, calls over 500 ms %d%n",
                    LIMIT, CALLERS, failover.seconds(failover.promotedAt), failover.seconds(failover.backAt),
                    failover.seconds(failover.closedAt), failover.replicaHad, LIMIT, LIMIT - failover.replicaHad,
                    overAdmitted, byLocal, byRedisAfterFailover, before, during, after,
                    count("tollgate.ratelimit.fallbacks.total", "mode", "local"), callers.slowestMillis(),
                    callers.slowerThan(500));

            assertThat(callers.errors()).as("no call fails but with a rate-limit refusal").isEmpty();
            assertThat(masterHad).as("the old master admitted exactly the limit").isEqualTo(LIMIT);
            assertThat(all.permitted).as("which the callers saw admitted").isGreaterThanOrEqualTo(LIMIT);
            assertThat(during.total()).as("calls were made during the failover").isPositive();
            assertThat(count("tollgate.ratelimit.fallbacks.total", "mode", "local"))
                    .as("the outage was felt: LOCAL decided").isPositive();
            assertThat(after.total()).as("calls were made on the new master").isPositive();
            assertThat(onNewMaster).as("Redis never admits beyond the limit it knows").isLessThanOrEqualTo(LIMIT);
            assertThat(byLocal).as("one instance's local share (1.0) admits at most the limit again")
                    .isBetween(0L, (long) LIMIT);
        }
    }

    @Test
    void completedIdempotentCallsMadeBeforeTheFailoverReplayAfterIt() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start(RedisBinary.EMBEDDED_6_2);
             TollgateContainer container = start(group)) {
            Guarded guarded = container.bean(Guarded.class);
            Map<String, Long> completed = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            warmUp(container, guarded);
            Callers callers = new Callers(i -> () -> {
                String key = "k-" + next.incrementAndGet();
                try {
                    guarded.pay(key);
                    completed.put(key, System.nanoTime());
                    return Outcome.PERMITTED;
                } catch (BackendUnavailableException e) {
                    return Outcome.REFUSED; // the default failure mode, REJECT: a 503 over HTTP
                }
            });
            callers.start();
            Failover failover;
            try {
                awaitQuietly("records to be completed on the master", 60, () -> completed.size() >= 500);
                failover = Failover.run(group, container, null);
                Thread.sleep(1_000);
            } finally {
                callers.stop();
            }

            // Keys on the new master beyond those whose call succeeded: claims made by calls that were refused (their
            // command reached Redis after the caller had given up on it), in progress until their lease runs out.
            long stored;
            try (RedisInspector newMaster = group.inspector(failover.newMaster)) {
                stored = newMaster.keys().stream().filter(k -> k.startsWith("tollgate:idem:")).count();
            }
            // Asked again once decisions are on the new master: by when the first call ended.
            Map<Phase, Replays> replays = new EnumMap<>(Phase.class);
            for (Phase phase : Phase.values()) {
                replays.put(phase, new Replays());
            }
            for (Map.Entry<String, Long> entry : completed.entrySet()) {
                String key = entry.getKey();
                Replays phase = replays.get(Phase.of(entry.getValue(), failover));
                try {
                    guarded.pay(key);
                    if (guarded.runs(key) == 1) {
                        phase.replayed++;
                    } else {
                        phase.executedAgain++;
                    }
                } catch (IdempotencyConflictException e) {
                    phase.inProgress++;
                }
            }
            Counts during = callers.between(failover.killedAt, failover.backAt);
            System.out.printf("Sentinel failover, @Idempotent (REJECT), %d callers:%n"
                            + "  promoted after %.2f s, calls on the new master after %.2f s, breaker closed after %.2f s%n"
                            + "  from the kill until calls were on the new master: %s (refused = 503 REJECT)%n"
                            + "  keys completed, then asked again after the failover:%n"
                            + "    before the kill:                  %s%n"
                            + "    in flight when the master died:   %s%n"
                            + "    on the new master:                %s%n"
                            + "  idempotency keys on the new master: %d, for %d calls that succeeded%n",
                    CALLERS, failover.seconds(failover.promotedAt), failover.seconds(failover.backAt),
                    failover.seconds(failover.closedAt), during, replays.get(Phase.BEFORE_KILL),
                    replays.get(Phase.DURING_FAILOVER), replays.get(Phase.AFTER_FAILOVER), stored, completed.size());

            assertThat(callers.errors()).as("no call fails but with the failure mode's refusal").isEmpty();
            assertThat(replays.get(Phase.BEFORE_KILL).total()).as("records were completed on the old master")
                    .isPositive();
            Replays onNewMaster = replays.get(Phase.AFTER_FAILOVER);
            assertThat(onNewMaster.total()).as("and on the new one").isPositive();
            assertThat(onNewMaster.replayed).as("a record completed on the new master replays")
                    .isEqualTo(onNewMaster.total());
        }
    }

    /** When an idempotent call ended, relative to the failover. */
    enum Phase {
        BEFORE_KILL, DURING_FAILOVER, AFTER_FAILOVER;

        static Phase of(long endedAt, Failover failover) {
            return endedAt < failover.killedAt ? BEFORE_KILL
                    : endedAt < failover.backAt ? DURING_FAILOVER : AFTER_FAILOVER;
        }
    }

    /** What asking again for completed keys gave. */
    private static final class Replays {
        int replayed;
        int executedAgain;
        int inProgress;

        int total() {
            return replayed + executedAgain + inProgress;
        }

        @Override
        public String toString() {
            return total() + " keys: " + replayed + " replayed, " + executedAgain + " executed again, " + inProgress
                    + " in progress (409)";
        }
    }

    /**
     * One call alone first, until Redis decided it with the breaker closed. The connection is opened lazily, and 32
     * callers opening it at once on a loaded machine timed out and opened the breaker before the test started; twice
     * the client then did not follow the failover within 45 s (cause not found).
     */
    private static void warmUp(TollgateContainer container, Guarded guarded) {
        awaitQuietly("a first call decided by Redis", 60, () -> {
            double fallbacks = count("tollgate.ratelimit.fallbacks.total", "mode", "local");
            guarded.warmUp();
            return container.bean(BackendReadiness.class).circuit().state() == BackendCircuit.CLOSED
                    && count("tollgate.ratelimit.fallbacks.total", "mode", "local") == fallbacks;
        });
    }

    /** Polls {@code condition} every millisecond or so; fails the test after {@code seconds}. */
    private static void awaitQuietly(String what, long seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited " + seconds + " s for " + what).isLessThan(deadline);
            sleepQuietly(1);
        }
    }

    /** What a caller's call ended with. */
    enum Outcome { PERMITTED, REFUSED, ERROR }

    /** One call: when it ended, how long it took and how. */
    private record Event(long endedAt, long nanos, Outcome outcome) {
    }

    /** Calls counted by outcome. */
    private record Counts(long permitted, long refused, long errors) {
        long total() {
            return permitted + refused + errors;
        }

        @Override
        public String toString() {
            return permitted + " permitted, " + refused + " refused, " + errors + " failed";
        }
    }

    /** A call that returns its outcome, or throws what counts as an error. */
    @FunctionalInterface
    interface Call {
        Outcome call();
    }

    /** {@link #CALLERS} threads calling back to back until stopped, each recording every call. */
    private static final class Callers {
        private final List<Thread> threads = new ArrayList<>();
        private final List<List<Event>> events = new ArrayList<>();
        private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final long origin = System.nanoTime();

        Callers(IntFunction<Call> calls) {
            for (int i = 0; i < CALLERS; i++) {
                List<Event> own = new ArrayList<>();
                events.add(own);
                Call call = calls.apply(i);
                threads.add(new Thread(() -> {
                    while (running.get()) {
                        long start = System.nanoTime();
                        Outcome outcome;
                        try {
                            outcome = call.call();
                        } catch (RuntimeException e) {
                            errors.add(e);
                            outcome = Outcome.ERROR;
                        }
                        long end = System.nanoTime();
                        own.add(new Event(end - origin, end - start, outcome));
                        // A request rate rather than a busy loop: the Redis processes need the CPU too.
                        sleepQuietly(1);
                    }
                }, "caller-" + i));
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(thread.isAlive()).as(thread.getName() + " stopped").isFalse();
            }
        }

        List<Throwable> errors() {
            return errors;
        }

        /** Calls that ended in [{@code from}, {@code to}), as {@link System#nanoTime()} values. */
        Counts between(long from, long to) {
            long permitted = 0;
            long refused = 0;
            long failed = 0;
            for (List<Event> own : events) {
                for (Event event : own) {
                    long at = event.endedAt + origin;
                    if ((from == 0 || at >= from) && at < to) {
                        switch (event.outcome) {
                            case PERMITTED -> permitted++;
                            case REFUSED -> refused++;
                            case ERROR -> failed++;
                        }
                    }
                }
            }
            return new Counts(permitted, refused, failed);
        }

        double slowestMillis() {
            return events.stream().flatMap(List::stream).mapToLong(Event::nanos).max().orElse(0) / 1e6;
        }

        long slowerThan(long millis) {
            return events.stream().flatMap(List::stream)
                    .filter(e -> e.nanos > TimeUnit.MILLISECONDS.toNanos(millis)).count();
        }
    }

    /** What happened from the master's death until decisions were back on Redis, as {@link System#nanoTime()}s. */
    private static final class Failover {
        int newMaster;
        long killedAt;
        long promotedAt;
        long backAt;
        long closedAt;
        /** {@code ZCARD} of the watched key on the replica right after the kill: what it had received. */
        long replicaHad;

        double seconds(long at) {
            return (at - killedAt) / 1e9;
        }

        /**
         * Kills the master, then watches the Sentinels and the replica until the replica is promoted, runs scripts
         * for Tollgate and the breaker is closed again (the callers keep calling meanwhile).
         */
        static Failover run(RedisSentinelGroup group, TollgateContainer container, String watchedKey) {
            Failover failover = new Failover();
            // Taken before the kill: a call that ended before it was not cut short by it.
            failover.killedAt = System.nanoTime();
            int oldMaster = group.killMaster();
            int replica = group.otherNode(oldMaster);
            long deadline = failover.killedAt + TimeUnit.SECONDS.toNanos(BACK_ON_REDIS_SECONDS);
            // A fresh connection for each look: the Sentinels close every client connection of the replica they
            // promote (CLIENT KILL TYPE normal).
            if (watchedKey != null) {
                try (RedisInspector inspector = group.inspector(replica)) {
                    failover.replicaHad = (Long) inspector.call("ZCARD", watchedKey);
                }
            }
            long scriptsBefore = scripts(group, replica);
            while (failover.promotedAt == 0 || failover.backAt == 0 || failover.closedAt == 0) {
                long now = System.nanoTime();
                if (now > deadline) {
                    throw new AssertionError("Within " + BACK_ON_REDIS_SECONDS + " s of the kill, the replica was "
                            + (failover.promotedAt == 0 ? "not promoted" : "promoted")
                            + (failover.backAt == 0 ? " but ran no script for Tollgate" : " and the breaker stayed open")
                            + "; readiness: " + container.bean(BackendReadiness.class).check().data()
                            + "; seconds since a client last asked each Sentinel (the client asks every second): "
                            + group.secondsSinceSentinelQueries() + "\n" + group.sentinelLogs());
                }
                if (failover.promotedAt == 0 && group.masterPort() == replica) {
                    failover.promotedAt = now;
                }
                if (failover.backAt == 0 && scriptsIfConnected(group, replica) > scriptsBefore) {
                    failover.backAt = now;
                }
                if (failover.backAt != 0 && failover.closedAt == 0
                        && container.bean(BackendReadiness.class).circuit().state() == BackendCircuit.CLOSED) {
                    failover.closedAt = now;
                }
                sleepQuietly(20);
            }
            assertThat(group.awaitPromotion(oldMaster, 10)).as("the Sentinels name the replica, which is a master now")
                    .isEqualTo(replica);
            failover.newMaster = replica;
            return failover;
        }
    }

    private static long scripts(RedisSentinelGroup group, int port) {
        Map<String, Long> calls;
        try (RedisInspector server = group.inspector(port)) {
            calls = server.commandCalls();
        }
        return calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
    }

    /**
     * {@link #scripts} on a connection that the promotion may cut: the Sentinels' {@code CLIENT KILL TYPE normal} can
     * land between connecting and reading the reply, in which case the next look tells ({@code -1} until then).
     */
    private static long scriptsIfConnected(RedisSentinelGroup group, int port) {
        try {
            return scripts(group, port);
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    private static double count(String name, String tag, String value) {
        var counter = Registry.registry.find(name).tag(tag, value).counter();
        return counter == null ? -1 : counter.count();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
