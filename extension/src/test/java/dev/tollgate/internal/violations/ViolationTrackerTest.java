package dev.tollgate.internal.violations;

import dev.tollgate.PersistentViolation;
import dev.tollgate.RateLimitViolations;
import dev.tollgate.internal.local.InMemoryViolationStore;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.redis.RedisRateLimitBackend;
import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.internal.redis.RedisViolationStore;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.testing.RedisProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

class ViolationTrackerTest {

    private static final long MINUTE = 60_000;
    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a period's start

    private final AtomicLong now = new AtomicLong(START + 1_000);
    private final List<PersistentViolation> events = new CopyOnWriteArrayList<>();
    private final ViolationTracker.Context login =
            new ViolationTracker.Context("com.acme.Login#login(String)", "ip", "203.0.113.9", false);

    private ViolationTracker tracker(ViolationStore store, long threshold) {
        return new ViolationTracker(new ViolationSettings(true, MINUTE, 100, threshold, false), store, now::get,
                events::add, GuardMetrics.NONE);
    }

    @Test
    void refusalsReachTheRankingAtTheFlushAndAreReadOverTwoPeriods() {
        try (ViolationTracker tracker = tracker(new InMemoryViolationStore(100), 1_000)) {
            RateLimitViolations violations = new TrackedViolations(tracker, List.of("login", "search"));
            for (int i = 0; i < 4; i++) {
                tracker.refused("login", "ip:a", login);
            }
            tracker.refused("login", "ip:b", login);
            tracker.refused("search", "ip:a", login);
            tracker.flush();
            now.addAndGet(MINUTE); // the next period
            tracker.refused("login", "ip:b", login);
            tracker.refused("login", "ip:b", login);
            tracker.flush();

            assertThat(violations.topOffenders("login", 10)).containsExactly(
                    new RateLimitViolations.Offender("login", "ip:a", 0, 4),
                    new RateLimitViolations.Offender("login", "ip:b", 2, 1));
            assertThat(violations.topOffenders(2)).extracting(RateLimitViolations.Offender::limiter,
                    RateLimitViolations.Offender::partition).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("login", "ip:a"),
                    org.assertj.core.groups.Tuple.tuple("login", "ip:b"));
            assertThat(violations.period()).isEqualTo(Duration.ofMinutes(1));
        }
    }

    @Test
    void aPartitionCrossingTheThresholdIsReportedOncePerPeriod() {
        try (ViolationTracker tracker = tracker(new InMemoryViolationStore(100), 5)) {
            for (int flush = 0; flush < 3; flush++) {
                for (int i = 0; i < 3; i++) {
                    tracker.refused("login", "ip:a", login);
                }
                tracker.flush();
            }
            // 9 refusals, more than 5 at the second flush: one event
            assertThat(events).singleElement().satisfies(event -> {
                assertThat(event.limiter()).isEqualTo("login");
                assertThat(event.partition()).isEqualTo("ip:a");
                assertThat(event.refusals()).isEqualTo(6);
                assertThat(event.method()).isEqualTo("com.acme.Login#login(String)");
                assertThat(event.key()).isEqualTo("ip");
                assertThat(event.clientAddress()).isEqualTo("203.0.113.9");
                assertThat(event.periodStart()).isEqualTo(Instant.ofEpochMilli(START));
                assertThat(event.period()).isEqualTo(Duration.ofMinutes(1));
                assertThat(event.shadow()).isFalse();
            });
            now.addAndGet(MINUTE);
            for (int i = 0; i < 6; i++) {
                tracker.refused("login", "ip:a", login);
            }
            tracker.flush();
            assertThat(events).hasSize(2);
            assertThat(events.get(1).periodStart()).isEqualTo(Instant.ofEpochMilli(START + MINUTE));
        }
    }

    @Test
    void partitionsBeyondTheBoundBetweenTwoFlushesAreNotTracked() {
        InMemoryViolationStore store = new InMemoryViolationStore(100_000);
        try (ViolationTracker tracker = tracker(store, 1_000)) {
            for (int i = 0; i < ViolationTracker.MAX_PENDING + 500; i++) {
                tracker.refused("login", "ip:" + i, login);
            }
            tracker.flush();
            assertThat(store.top("login", tracker.currentPeriod(), 100_000)).hasSize(ViolationTracker.MAX_PENDING);
        }
    }

    @Test
    void aShadowRefusalIsLoggedOncePerPartitionAndPeriod() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(ViolationTracker.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        ViolationTracker.Context shadow = new ViolationTracker.Context("com.acme.Search#search()", "header:X-Api-Key",
                null, true);
        try (ViolationTracker tracker = tracker(new InMemoryViolationStore(100), 1_000)) {
            for (int i = 0; i < 3; i++) {
                tracker.refused("search", "header:h1", shadow);
            }
            tracker.refused("search", "header:h2", shadow);
            now.addAndGet(MINUTE);
            tracker.flush();
            tracker.refused("search", "header:h1", shadow);
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(logged).hasSize(3).allSatisfy(line -> assertThat(line)
                .startsWith("Tollgate shadow mode: limit search on com.acme.Search#search() would have refused"
                        + " partition header:h"));
    }

    /** Two instances, one Redis: 6 refusals each, threshold 10: the one whose addition crosses it reports. */
    @Test
    void onRedisExactlyOneOfTwoInstancesReportsAPartitionCrossingTheThreshold() {
        try (RedisProcess redis = RedisProcess.start();
             RedisRateLimitBackend backend = RedisRateLimitBackend.connect(RedisSettings.forAddress(redis.address()))) {
            ViolationTracker first = tracker(new RedisViolationStore(backend.client(), "tollgate",
                    Duration.ofSeconds(5), BackendCircuit.none(), 100, MINUTE), 10);
            ViolationTracker second = tracker(new RedisViolationStore(backend.client(), "tollgate",
                    Duration.ofSeconds(5), BackendCircuit.none(), 100, MINUTE), 10);
            for (int i = 0; i < 6; i++) {
                first.refused("login", "ip:a", login);
                second.refused("login", "ip:a", login);
            }
            first.flush();
            second.flush();
            long deadline = System.currentTimeMillis() + 10_000;
            while (events.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            RateLimitViolations violations = new TrackedViolations(first, List.of("login"));
            assertThat(violations.topOffenders("login", 5)).containsExactly(
                    new RateLimitViolations.Offender("login", "ip:a", 12, 0));
            assertThat(events).singleElement().extracting(PersistentViolation::refusals).isEqualTo(12L);
            first.close();
            second.close();
        }
    }
}
