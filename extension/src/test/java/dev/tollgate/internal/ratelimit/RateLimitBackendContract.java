package dev.tollgate.internal.ratelimit;

import dev.tollgate.RateLimit.Algorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link RateLimitBackend} must do, run against each of them by a subclass that supplies the backend.
 * Windows are real time (short ones where recovery is tested), because the Redis backend takes its time from the
 * Redis server; assertions are about what is admitted, never about how fast.
 */
public abstract class RateLimitBackendContract {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    /**
     * For limits that must not reset during a test: fixed windows are aligned to the epoch, so an hour-long one
     * would reset at the top of every hour, possibly mid-test. 366-day windows (the longest allowed) practically
     * never do.
     */
    private static final long LONG = LimitPolicy.MAX_WINDOW_MILLIS;
    private static final int CALLERS = 200;
    private static final AtomicLong NAMES = new AtomicLong();

    private static ExecutorService callers;

    /** The backend under test; the subclass owns its lifecycle. */
    protected abstract RateLimitBackend backend();

    @BeforeAll
    static void startCallers() {
        callers = Executors.newFixedThreadPool(CALLERS);
    }

    @AfterAll
    static void stopCallers() {
        callers.shutdownNow();
    }

    /** A limiter name no other test uses, so tests never share state. */
    protected static String freshLimiter() {
        return "contract-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    static LimitPolicy policy(Algorithm algorithm, long limit, long windowMillis) {
        return switch (algorithm) {
            case TOKEN_BUCKET -> LimitPolicy.tokenBucket(limit, windowMillis, limit);
            case GCRA -> LimitPolicy.gcra(limit, windowMillis, limit);
            default -> LimitPolicy.window(algorithm, limit, windowMillis);
        };
    }

    /**
     * Acquires {@code limits} as one call; a concurrency limit without a holder is held by a new one, as every call
     * of a guarded method gets its own.
     */
    private RateLimitDecision acquire(LimitRequest... limits) {
        return backend().acquire(held(limits));
    }

    private static List<LimitRequest> held(LimitRequest... limits) {
        List<LimitRequest> held = new ArrayList<>(limits.length);
        String holder = PermitHolders.next();
        for (LimitRequest limit : limits) {
            held.add(limit.holds() && limit.holder() == null ? limit.heldBy(holder) : limit);
        }
        return held;
    }

    private RateLimitDecision peek(LimitRequest... limits) {
        return backend().peek(List.of(limits));
    }

    private static LimitRequest request(String limiter, LimitPolicy policy) {
        return new LimitRequest(limiter, "", policy, 1);
    }

    // ---- exact N under contention -------------------------------------------------------------------------------

    @RepeatedTest(20)
    void exactlyTheLimitIsAdmittedAmongManySimultaneousCallers_fixedWindow() throws Exception {
        assertExactlyLimitAdmitted(Algorithm.FIXED_WINDOW);
    }

    @RepeatedTest(20)
    void exactlyTheLimitIsAdmittedAmongManySimultaneousCallers_slidingWindow() throws Exception {
        assertExactlyLimitAdmitted(Algorithm.SLIDING_WINDOW);
    }

    @RepeatedTest(20)
    void exactlyTheLimitIsAdmittedAmongManySimultaneousCallers_tokenBucket() throws Exception {
        assertExactlyLimitAdmitted(Algorithm.TOKEN_BUCKET);
    }

    @RepeatedTest(20)
    void exactlyTheLimitIsAdmittedAmongManySimultaneousCallers_gcra() throws Exception {
        assertExactlyLimitAdmitted(Algorithm.GCRA);
    }

    @RepeatedTest(20)
    void exactlyTheLimitIsAdmittedAmongManySimultaneousCallers_concurrency() throws Exception {
        assertExactlyLimitAdmitted(Algorithm.CONCURRENCY);
    }

    private void assertExactlyLimitAdmitted(Algorithm algorithm) throws Exception {
        LimitRequest request = request(freshLimiter(), policy(algorithm, 50, LONG));
        CyclicBarrier start = new CyclicBarrier(CALLERS);
        List<Future<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            calls.add(callers.submit(() -> {
                start.await();
                return acquire(request).permitted();
            }));
        }
        int admitted = 0;
        for (Future<Boolean> call : calls) {
            if (call.get()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(50);
        assertThat(peek(request).outcome(0).remaining()).isZero();
    }

    // ---- basic numbers --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, mode = EnumSource.Mode.EXCLUDE, names = "CONCURRENCY") // see concurrency below
    void countsDownAndRefusesPastTheLimit(Algorithm algorithm) {
        LimitRequest request = request(freshLimiter(), policy(algorithm, 3, LONG));
        for (long expectedRemaining = 2; expectedRemaining >= 0; expectedRemaining--) {
            RateLimitDecision decision = acquire(request);
            assertThat(decision.permitted()).isTrue();
            assertThat(decision.outcome(0).permitted()).isTrue();
            assertThat(decision.outcome(0).limit()).isEqualTo(3);
            assertThat(decision.outcome(0).remaining()).isEqualTo(expectedRemaining);
            assertThat(decision.outcome(0).retryAfterMillis()).isZero();
            assertThat(decision.outcome(0).resetMillis()).isBetween(1L, LONG);
        }
        RateLimitDecision refused = acquire(request);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).permitted()).isFalse();
        assertThat(refused.outcome(0).remaining()).isZero();
        assertThat(refused.retryAfterMillis()).isBetween(1L, LONG);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void partitionsAreCountedSeparately(Algorithm algorithm) {
        String limiter = freshLimiter();
        LimitPolicy policy = policy(algorithm, 2, LONG);
        LimitRequest alice = new LimitRequest(limiter, "alice", policy, 1);
        LimitRequest bob = new LimitRequest(limiter, "bob", policy, 1);
        acquire(alice);
        acquire(alice);
        assertThat(acquire(alice).permitted()).isFalse();
        assertThat(acquire(bob).permitted()).isTrue();
        assertThat(peek(bob).outcome(0).remaining()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void limitersAreCountedSeparately(Algorithm algorithm) {
        LimitPolicy policy = policy(algorithm, 1, LONG);
        LimitRequest first = request(freshLimiter(), policy);
        LimitRequest second = request(freshLimiter(), policy);
        assertThat(acquire(first).permitted()).isTrue();
        assertThat(acquire(first).permitted()).isFalse();
        assertThat(acquire(second).permitted()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekConsumesNothing(Algorithm algorithm) {
        LimitRequest request = request(freshLimiter(), policy(algorithm, 5, LONG));
        acquire(request);
        for (int i = 0; i < 20; i++) {
            RateLimitDecision status = peek(request);
            assertThat(status.permitted()).isTrue();
            assertThat(status.outcome(0).remaining()).isEqualTo(4);
        }
        assertThat(acquire(request).outcome(0).remaining()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekOfAnUnusedLimitReportsItFull(Algorithm algorithm) {
        RateLimitDecision status = peek(request(freshLimiter(), policy(algorithm, 7, LONG)));
        assertThat(status.permitted()).isTrue();
        assertThat(status.outcome(0).remaining()).isEqualTo(7);
        assertThat(status.outcome(0).retryAfterMillis()).isZero();
        assertThat(status.outcome(0).resetMillis()).as("a full limit has nothing to reset").isZero();
    }

    // ---- cost -------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aCallCostingMoreThanWhatRemainsIsRefusedAndConsumesNothing(Algorithm algorithm) {
        String limiter = freshLimiter();
        LimitPolicy policy = policy(algorithm, 10, LONG);
        assertThat(acquire(new LimitRequest(limiter, "", policy, 7)).outcome(0).remaining()).isEqualTo(3);

        RateLimitDecision refused = acquire(new LimitRequest(limiter, "", policy, 5));
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).remaining()).isEqualTo(3);
        assertThat(peek(new LimitRequest(limiter, "", policy, 1)).outcome(0).remaining()).isEqualTo(3);

        RateLimitDecision exact = acquire(new LimitRequest(limiter, "", policy, 3));
        assertThat(exact.permitted()).isTrue();
        assertThat(exact.outcome(0).remaining()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekSaysWhetherACallOfTheRequestsCostWouldPass(Algorithm algorithm) {
        String limiter = freshLimiter();
        LimitPolicy policy = policy(algorithm, 10, LONG);
        acquire(new LimitRequest(limiter, "", policy, 8));
        assertThat(peek(new LimitRequest(limiter, "", policy, 2)).permitted()).isTrue();
        RateLimitDecision tooDear = peek(new LimitRequest(limiter, "", policy, 3));
        assertThat(tooDear.permitted()).isFalse();
        assertThat(tooDear.retryAfterMillis()).isPositive();
    }

    // ---- all or nothing ------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void whenOneLimitRefusesTheOtherIsNotConsumed(Algorithm algorithm) {
        LimitRequest generous = new LimitRequest(freshLimiter(), "", policy(algorithm, 10, LONG), 1);
        LimitRequest strict = new LimitRequest(freshLimiter(), "carol", policy(algorithm, 2, LONG), 1);

        assertThat(acquire(generous, strict).permitted()).isTrue();
        assertThat(acquire(generous, strict).permitted()).isTrue();

        RateLimitDecision refused = acquire(generous, strict);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).permitted()).isTrue();
        assertThat(refused.outcome(1).permitted()).isFalse();
        assertThat(refused.outcome(0).remaining()).isEqualTo(8);
        assertThat(refused.retryAfterMillis()).isEqualTo(refused.outcome(1).retryAfterMillis());

        assertThat(peek(generous).outcome(0).remaining()).isEqualTo(8);
        assertThat(peek(strict).outcome(0).remaining()).isZero();
    }

    @Test
    void limitsOfDifferentAlgorithmsAreDecidedTogether() {
        LimitRequest fixed = request(freshLimiter(), policy(Algorithm.FIXED_WINDOW, 5, LONG));
        LimitRequest sliding = request(freshLimiter(), policy(Algorithm.SLIDING_WINDOW, 3, LONG));
        LimitRequest bucket = request(freshLimiter(), policy(Algorithm.TOKEN_BUCKET, 4, LONG));
        LimitRequest gcra = request(freshLimiter(), policy(Algorithm.GCRA, 6, LONG));
        LimitRequest concurrency = request(freshLimiter(), policy(Algorithm.CONCURRENCY, 7, LONG));
        for (int i = 0; i < 3; i++) {
            assertThat(acquire(fixed, sliding, bucket, gcra, concurrency).permitted()).isTrue();
        }
        RateLimitDecision refused = acquire(fixed, sliding, bucket, gcra, concurrency);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcomes()).extracting(LimitOutcome::remaining).containsExactly(2L, 0L, 1L, 3L, 4L);
        assertThat(refused.outcomes()).extracting(LimitOutcome::permitted)
                .containsExactly(true, false, true, true, true);
    }

    // ---- next: until additional quota is made available --------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, mode = EnumSource.Mode.EXCLUDE, names = "CONCURRENCY") // no time to tell
    void aFullLimitsNextIsWhenAPermitTakenNowWouldComeBack(Algorithm algorithm) {
        LimitOutcome full = peek(request(freshLimiter(), policy(algorithm, 7, LONG))).outcome(0);
        switch (algorithm) {
            // the window's end: somewhere in this 366-day window
            case FIXED_WINDOW -> assertThat(full.nextMillis()).isBetween(1L, LONG);
            // an entry taken now leaves a window later
            case SLIDING_WINDOW -> assertThat(full.nextMillis()).isEqualTo(LONG);
            // one token's refill time, one emission interval: ceil(W / L)
            default -> assertThat(full.nextMillis()).isEqualTo(4_517_485_715L);
        }
    }

    @Test
    void aFixedWindowsNextIsItsEnd() {
        LimitRequest request = request(freshLimiter(), policy(Algorithm.FIXED_WINDOW, 3, LONG));
        LimitOutcome taken = acquire(request).outcome(0);
        assertThat(taken.nextMillis()).isBetween(1L, LONG).isEqualTo(taken.resetMillis());
        acquire(request);
        acquire(request);
        LimitOutcome refused = acquire(request).outcome(0);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.nextMillis()).isEqualTo(refused.resetMillis()).isEqualTo(refused.retryAfterMillis());
        LimitOutcome peeked = peek(request).outcome(0);
        assertThat(peeked.nextMillis()).isEqualTo(peeked.resetMillis());
    }

    @Test
    void aSlidingWindowsNextIsWhenItsOldestEntryLeaves() throws InterruptedException {
        String limiter = freshLimiter();
        LimitPolicy policy = policy(Algorithm.SLIDING_WINDOW, 5, LONG);
        // into an empty window: the oldest entry is this call's own
        LimitOutcome first = acquire(new LimitRequest(limiter, "", policy, 2)).outcome(0);
        assertThat(first.nextMillis()).isEqualTo(LONG).isEqualTo(first.resetMillis());
        Thread.sleep(20); // so that the two calls' entries are apart
        // later calls: the first call's entries leave first, not this call's (reset)
        LimitOutcome second = acquire(new LimitRequest(limiter, "", policy, 3)).outcome(0);
        assertThat(second.remaining()).isZero();
        assertThat(second.resetMillis()).isEqualTo(LONG);
        assertThat(second.nextMillis()).isBetween(LONG - 1_020, LONG - 20);
        // a refusal of cost 3 waits for the 3rd oldest entry (the second call's), next only for the oldest
        LimitOutcome refused = acquire(new LimitRequest(limiter, "", policy, 3)).outcome(0);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.nextMillis()).isBetween(LONG - 1_000, LONG).isLessThanOrEqualTo(refused.retryAfterMillis());
        assertThat(refused.retryAfterMillis() - refused.nextMillis())
                .as("the second call's entries are as much younger as next fell between the first two calls")
                .isEqualTo(first.nextMillis() - second.nextMillis());
        assertThat(second.nextMillis() - refused.nextMillis())
                .as("the time between the second call and the refusal")
                .isEqualTo(second.resetMillis() - refused.resetMillis());
        LimitOutcome peeked = peek(new LimitRequest(limiter, "", policy, 1)).outcome(0);
        assertThat(peeked.nextMillis()).isEqualTo(refused.nextMillis() - (refused.resetMillis() - peeked.resetMillis()));
    }

    @Test
    void aTokenBucketsNextIsTheNextWholeToken() {
        // 2 per hour (a token every 30 min), burst 25: nothing worth a token refills during the test
        String limiter = freshLimiter();
        LimitPolicy policy = LimitPolicy.tokenBucket(2, HOUR, 25);
        LimitOutcome first = acquire(new LimitRequest(limiter, "", policy, 1)).outcome(0);
        // from a full bucket: 24 tokens exactly, the 25th is back in 30 min (reset says the same, being one token)
        assertThat(first.remaining()).isEqualTo(24);
        assertThat(first.nextMillis()).isEqualTo(HOUR / 2).isEqualTo(first.resetMillis());
        LimitOutcome second = acquire(new LimitRequest(limiter, "", policy, 20)).outcome(0);
        assertThat(second.remaining()).isEqualTo(4);
        // full again after 21 tokens; the next whole one is the fraction refilled since the first call short of one
        assertThat(second.nextMillis()).isBetween(HOUR / 2 - 1_000, HOUR / 2);
        assertThat(second.resetMillis()).isBetween(21 * HOUR / 2 - 1_000, 21 * HOUR / 2);
        LimitOutcome refused = acquire(new LimitRequest(limiter, "", policy, 6)).outcome(0);
        assertThat(refused.permitted()).isFalse();
        // 4.x tokens: the 5th comes first, the 6th a token's time later
        assertThat(refused.nextMillis()).isBetween(HOUR / 2 - 1_000, HOUR / 2);
        assertThat(refused.retryAfterMillis()).isBetween(HOUR - 1_000, HOUR);
        assertThat(refused.retryAfterMillis() - refused.nextMillis()).isBetween(HOUR / 2 - 1, HOUR / 2 + 1);
    }

    @Test
    void aGcrasNextIsTheNextEmissionIntervalThatRaisesRemaining() {
        // 3 per minute (T = 20 s), burst 6
        String limiter = freshLimiter();
        LimitPolicy policy = LimitPolicy.gcra(3, 60_000, 6);
        LimitOutcome first = acquire(new LimitRequest(limiter, "", policy, 2)).outcome(0);
        // from rest: 2 intervals of debt, 4 remaining; one interval of debt paid back raises remaining
        assertThat(first.remaining()).isEqualTo(4);
        assertThat(first.resetMillis()).isEqualTo(40_000);
        assertThat(first.nextMillis()).isEqualTo(20_000);
        LimitOutcome all = acquire(new LimitRequest(limiter, "", policy, 4)).outcome(0);
        assertThat(all.remaining()).isZero();
        assertThat(all.resetMillis()).isBetween(119_000L, 120_000L);
        // 6 intervals of debt less the time between the calls: the first permit back after what that time left of T
        assertThat(all.nextMillis()).isEqualTo(all.resetMillis() - 100_000);
        LimitOutcome refused = acquire(new LimitRequest(limiter, "", policy, 3)).outcome(0);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.nextMillis()).isBetween(19_000L, 20_000L);
        // cost 3 needs three intervals paid back, next only one
        assertThat(refused.retryAfterMillis()).isEqualTo(refused.nextMillis() + 40_000);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, mode = EnumSource.Mode.EXCLUDE, names = "CONCURRENCY") // no time to tell
    void aRefusedLimitsNextIsNeverLaterThanItsRetryAfter(Algorithm algorithm) {
        String limiter = freshLimiter();
        LimitPolicy policy = policy(algorithm, 10, LONG);
        acquire(new LimitRequest(limiter, "", policy, 4));
        acquire(new LimitRequest(limiter, "", policy, 3));
        for (long cost = 4; cost <= 10; cost++) {
            LimitOutcome refused = acquire(new LimitRequest(limiter, "", policy, cost)).outcome(0);
            assertThat(refused.permitted()).as("cost %d", cost).isFalse();
            assertThat(refused.nextMillis()).as("cost %d", cost).isPositive()
                    .isLessThanOrEqualTo(refused.retryAfterMillis());
            LimitOutcome peeked = peek(new LimitRequest(limiter, "", policy, cost)).outcome(0);
            assertThat(peeked.nextMillis()).as("peek, cost %d", cost).isPositive()
                    .isLessThanOrEqualTo(peeked.retryAfterMillis());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, mode = EnumSource.Mode.EXCLUDE, names = "CONCURRENCY") // no time to tell
    void remainingGrowsOnceNextHasPassed(Algorithm algorithm) throws InterruptedException {
        // 4 per 400 ms: a sliding window's entries 150 ms apart, so that the oldest leaves well before the newest
        LimitRequest request = request(freshLimiter(), policy(algorithm, 4, 400));
        acquire(request);
        Thread.sleep(150);
        LimitOutcome last;
        do {
            last = acquire(request).outcome(0);
        } while (last.permitted() && last.remaining() > 0);
        assertThat(last.permitted()).isTrue();
        assertThat(last.nextMillis()).isBetween(1L, 400L).isLessThanOrEqualTo(last.resetMillis());
        Thread.sleep(last.nextMillis() + 5);
        assertThat(peek(request).outcome(0).remaining()).isPositive();
    }

    // ---- time ---------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, mode = EnumSource.Mode.EXCLUDE, names = "CONCURRENCY") // permits, not time
    void callsAreAdmittedAgainOnceRetryAfterHasPassed(Algorithm algorithm) throws InterruptedException {
        LimitRequest request = request(freshLimiter(), policy(algorithm, 3, 300));
        int admitted = 0;
        RateLimitDecision refused;
        // The refusal that ends the loop is the one examined: asking again could land in a new window.
        while ((refused = acquire(request)).permitted()) {
            admitted++;
        }
        assertThat(admitted).isGreaterThanOrEqualTo(3);
        assertThat(refused.retryAfterMillis()).isBetween(1L, 300L);

        Thread.sleep(refused.retryAfterMillis() + 5);
        assertThat(acquire(request).permitted()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, mode = EnumSource.Mode.EXCLUDE, names = "CONCURRENCY") // permits, not time
    void theFullLimitIsBackOnceResetHasPassed(Algorithm algorithm) throws InterruptedException {
        LimitRequest request = request(freshLimiter(), policy(algorithm, 4, 250));
        RateLimitDecision last = null;
        for (int i = 0; i < 4; i++) {
            last = acquire(request);
        }
        assertThat(last.outcome(0).resetMillis()).isBetween(1L, 250L);
        Thread.sleep(last.outcome(0).resetMillis() + 5);
        assertThat(peek(request).outcome(0).remaining()).isEqualTo(4);
    }

    @Test
    void aFixedWindowAdmitsTwiceTheLimitAcrossABoundaryAndASlidingWindowDoesNot() throws InterruptedException {
        // On a loaded machine the first five calls may straddle the boundary themselves; the decisions show it
        // (a fixed window's reset grows when a new window starts), and the scenario is then tried again.
        for (int attempt = 1; attempt <= 5; attempt++) {
            if (boundaryScenario()) {
                return;
            }
        }
        throw new AssertionError("five attempts in a row straddled a window boundary with their first batch");
    }

    /** {@code false} if the first batch was not inside one window, so nothing could be concluded. */
    private boolean boundaryScenario() throws InterruptedException {
        long window = 1000;
        LimitRequest fixed = request(freshLimiter(), policy(Algorithm.FIXED_WINDOW, 5, window));
        LimitRequest sliding = request(freshLimiter(), policy(Algorithm.SLIDING_WINDOW, 5, window));

        sleepUntilWindowOffset(window, window - 300);
        long previousReset = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            RateLimitDecision first = acquire(fixed);
            if (!first.permitted() || first.outcome(0).resetMillis() > previousReset) {
                return false;
            }
            previousReset = first.outcome(0).resetMillis();
            assertThat(acquire(sliding).permitted()).isTrue();
        }
        sleepUntilWindowOffset(window, 50); // just past the boundary, a few hundred ms after the first batch

        int fixedAdmitted = 0;
        int slidingAdmitted = 0;
        for (int i = 0; i < 5; i++) {
            fixedAdmitted += acquire(fixed).permitted() ? 1 : 0;
            slidingAdmitted += acquire(sliding).permitted() ? 1 : 0;
        }
        assertThat(fixedAdmitted).as("fixed window, new window").isEqualTo(5);
        assertThat(slidingAdmitted).as("sliding window, within one window of the first five").isZero();
        return true;
    }

    /**
     * Sleeps until the wall clock is {@code offset} ms into an epoch-aligned window. The Redis server in these
     * tests runs on this machine's clock, so its windows line up with these.
     */
    private static void sleepUntilWindowOffset(long window, long offset) throws InterruptedException {
        long now = System.currentTimeMillis();
        long wait = Math.floorMod(offset - now % window, window);
        Thread.sleep(wait == 0 ? window : wait);
    }

    @Test
    void aTokenBucketAdmitsItsBurstAtOnceThenFollowsTheRefillRate() throws InterruptedException {
        // 10 per second (one token every 100 ms), capacity 10
        LimitRequest request = new LimitRequest(freshLimiter(), "", LimitPolicy.tokenBucket(10, 1000, 10), 1);
        for (int i = 0; i < 10; i++) {
            assertThat(acquire(request).permitted()).as("burst call %d", i).isTrue();
        }
        RateLimitDecision refused = acquire(request);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.retryAfterMillis()).isBetween(1L, 100L);

        // Over the next 1.2 s, admission follows the rate: never more than one token per 100 ms elapsed
        // (plus the part token left at the start), and every token that has accrued is eventually handed out.
        long start = System.nanoTime();
        int admitted = 0;
        long lastTry;
        do {
            if (acquire(request).permitted()) {
                admitted++;
            }
            Thread.sleep(10);
            lastTry = (System.nanoTime() - start) / 1_000_000;
        } while (lastTry < 1200);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        assertThat(admitted).isLessThanOrEqualTo((int) (elapsed / 100) + 1);
        assertThat(admitted).isGreaterThanOrEqualTo((int) (lastTry / 100) - 1);
    }

    @Test
    void aTokenBucketWithABurstLargerThanItsRateAdmitsTheBurst() {
        LimitRequest request = new LimitRequest(freshLimiter(), "", LimitPolicy.tokenBucket(2, HOUR, 25), 1);
        for (int i = 0; i < 25; i++) {
            assertThat(acquire(request).permitted()).isTrue();
        }
        RateLimitDecision refused = acquire(request);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).limit()).isEqualTo(25);
        // one token every half hour
        assertThat(refused.retryAfterMillis()).isBetween(HOUR / 2 - 1000, HOUR / 2);
    }

    @Test
    void aGcraAdmitsItsBurstAtOnceThenOnePermitPerEmissionInterval() throws InterruptedException {
        // 5 per second (T = 200 ms), burst 3
        LimitRequest request = new LimitRequest(freshLimiter(), "", LimitPolicy.gcra(5, 1000, 3), 1);
        for (int i = 0; i < 3; i++) {
            RateLimitDecision admitted = acquire(request);
            assertThat(admitted.permitted()).as("burst call %d", i).isTrue();
            assertThat(admitted.outcome(0).remaining()).as("burst call %d", i).isEqualTo(2 - i);
        }
        RateLimitDecision refused = acquire(request);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).remaining()).isZero();
        // the next permit is one emission interval after the first call, less the time the calls took
        assertThat(refused.retryAfterMillis()).isBetween(1L, 200L);

        Thread.sleep(refused.retryAfterMillis() + 5);
        assertThat(acquire(request).permitted()).isTrue();
        assertThat(acquire(request).permitted()).as("no second permit before another interval").isFalse();
    }

    @Test
    void aGcraRefusalSaysExactlyWhenTheNextPermitIsDue() {
        // one permit per 36 s (100 an hour), burst 2: nothing worth a permit passes during the test
        LimitRequest request = new LimitRequest(freshLimiter(), "", LimitPolicy.gcra(100, HOUR, 2), 1);
        RateLimitDecision first = acquire(request);
        assertThat(first.outcome(0).resetMillis()).isBetween(HOUR / 100 - 1000, HOUR / 100);
        assertThat(acquire(request).outcome(0).resetMillis()).isBetween(2 * HOUR / 100 - 1000, 2 * HOUR / 100);
        RateLimitDecision refused = acquire(request);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).limit()).isEqualTo(2);
        assertThat(refused.retryAfterMillis()).isBetween(HOUR / 100 - 1000, HOUR / 100);
        // reset: back at rest two intervals after the first call
        assertThat(refused.outcome(0).resetMillis()).isBetween(2 * HOUR / 100 - 1000, 2 * HOUR / 100);
    }

    @Test
    void aGcraCallOfCostNAdvancesItsArrivalTimeByNIntervals() {
        // 3 per minute (T = 20 s), burst 6
        LimitRequest three = new LimitRequest(freshLimiter(), "", LimitPolicy.gcra(3, 60_000, 6), 3);
        LimitRequest two = new LimitRequest(three.limiter(), "", three.policy(), 2);
        RateLimitDecision first = acquire(three);
        assertThat(first.outcome(0).remaining()).isEqualTo(3);
        assertThat(first.outcome(0).resetMillis()).isBetween(59_000L, 60_000L);
        RateLimitDecision second = acquire(two);
        assertThat(second.outcome(0).remaining()).isEqualTo(1);
        assertThat(second.outcome(0).resetMillis()).isBetween(99_000L, 100_000L);
        RateLimitDecision refused = acquire(two);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).remaining()).isEqualTo(1);
        // 5 intervals taken, 6 tolerated: a call of 2 fits one interval from now
        assertThat(refused.retryAfterMillis()).isBetween(19_000L, 20_000L);
        assertThat(peek(three).outcome(0).remaining()).isEqualTo(1);
    }

    @Test
    void aGcraWithAFractionalIntervalAdmitsExactlyItsBurst() {
        // T = 3,600,001/3 ms (about 20 minutes) and 1000/3 ms, which no millisecond count holds
        LimitRequest request = new LimitRequest(freshLimiter(), "", LimitPolicy.gcra(3, 3_600_001, 7), 1);
        LimitRequest third = new LimitRequest(freshLimiter(), "", LimitPolicy.gcra(3, 1000, 3), 1);
        for (int i = 0; i < 7; i++) {
            assertThat(acquire(request).permitted()).as("call %d", i).isTrue();
        }
        assertThat(acquire(request).permitted()).isFalse();
        assertThat(peek(request).outcome(0).remaining()).isZero();
        // rounded up to the millisecond in which the partition is back at rest
        assertThat(acquire(third).outcome(0).resetMillis()).isEqualTo(334);
    }

    @Test
    void aGcraKeepsItsArrivalTimeExactWithALimitBeyond2To26() {
        // 10 permits a millisecond, T = 0.1 ms, a whole burst taken: back at rest a window later. now x limit
        // exceeds a double's 53 bits; the state is kept modulo 2^52 and must read back as the same arrival time.
        long limit = 100_000_007;
        long window = 10_000_000;
        LimitRequest request = new LimitRequest(freshLimiter(), "", LimitPolicy.gcra(limit, window, limit), limit);
        RateLimitDecision taken = acquire(request);
        assertThat(taken.permitted()).isTrue();
        assertThat(taken.outcome(0).remaining()).isZero();
        assertThat(taken.outcome(0).resetMillis()).isEqualTo(window);

        RateLimitDecision refused = peek(request);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).resetMillis()).isBetween(window - 10_000, window);
        assertThat(refused.retryAfterMillis()).isBetween(window - 10_000, window);
        assertThat(refused.outcome(0).remaining()).isBetween(0L, 100_000L);
    }

    @Test
    void aSlidingWindowFreesPermitsAsTheirEntriesAge() throws InterruptedException {
        // A 2 s window and entries 1 s apart. On a busy machine a stall can still let the second entry age out before
        // the last step; the test sees it on its own clock (which lags the backend's, never leads it) and tries again.
        for (int attempt = 1; ; attempt++) {
            LimitRequest request = request(freshLimiter(), policy(Algorithm.SLIDING_WINDOW, 2, 2000));
            assertThat(acquire(request).permitted()).isTrue();
            Thread.sleep(1000);
            long second = System.nanoTime();
            assertThat(acquire(request).permitted()).isTrue();
            RateLimitDecision refused = acquire(request);
            assertThat(refused.permitted()).isFalse();
            // The first entry is the one to age out: at most 1 s from now, not the full window.
            assertThat(refused.retryAfterMillis()).isBetween(1L, 1005L);
            Thread.sleep(refused.retryAfterMillis() + 5);
            assertThat(acquire(request).permitted()).isTrue();
            boolean admittedAgain = acquire(request).permitted();
            if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - second) < 1900 || attempt == 5) {
                assertThat(admittedAgain).as("the second entry, younger than the window, still counts").isFalse();
                return;
            }
        }
    }

    // ---- concurrency -----------------------------------------------------------------------------------------------

    private static final long LEASE = 1000;

    private void release(LimitRequest... held) {
        backend().release(List.of(held)).join();
    }

    private static LimitRequest concurrency(String limiter, long limit, long lease, long cost) {
        return new LimitRequest(limiter, "", LimitPolicy.concurrency(limit, lease), cost, PermitHolders.next());
    }

    @Test
    void aConcurrencyLimitCountsDownAndARefusalAsksForAShortWait() {
        String limiter = freshLimiter();
        for (long expectedRemaining = 2; expectedRemaining >= 0; expectedRemaining--) {
            RateLimitDecision decision = acquire(concurrency(limiter, 3, LONG, 1));
            assertThat(decision.permitted()).isTrue();
            assertThat(decision.outcome(0).remaining()).isEqualTo(expectedRemaining);
            assertThat(decision.outcome(0).resetMillis()).as("permits come back with calls, not time").isZero();
        }
        RateLimitDecision refused = acquire(concurrency(limiter, 3, LONG, 1));
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.outcome(0).remaining()).isZero();
        assertThat(refused.retryAfterMillis()).isEqualTo(1000);
    }

    @Test
    void aPermitGivenBackCanBeTakenAgainAndGivingItBackTwiceChangesNothing() {
        String limiter = freshLimiter();
        LimitRequest first = concurrency(limiter, 2, LONG, 1);
        LimitRequest second = concurrency(limiter, 2, LONG, 1);
        assertThat(acquire(first).permitted()).isTrue();
        assertThat(acquire(second).permitted()).isTrue();
        assertThat(acquire(concurrency(limiter, 2, LONG, 1)).permitted()).isFalse();

        release(first);
        release(first);
        release(concurrency(limiter, 2, LONG, 1)); // a holder that holds nothing
        assertThat(peek(first).outcome(0).remaining()).isEqualTo(1);
        assertThat(acquire(concurrency(limiter, 2, LONG, 1)).permitted()).isTrue();
        assertThat(acquire(concurrency(limiter, 2, LONG, 1)).permitted()).isFalse();
        release(second);
        assertThat(peek(first).outcome(0).remaining()).isEqualTo(1);
    }

    @Test
    void aCallOfCostNHoldsNPermitsAndGivesThemAllBack() {
        String limiter = freshLimiter();
        LimitRequest heavy = concurrency(limiter, 5, LONG, 3);
        assertThat(acquire(heavy).outcome(0).remaining()).isEqualTo(2);
        assertThat(acquire(concurrency(limiter, 5, LONG, 3)).permitted()).isFalse();
        assertThat(acquire(concurrency(limiter, 5, LONG, 2)).permitted()).isTrue();
        release(heavy);
        assertThat(peek(heavy).outcome(0).remaining()).isEqualTo(3);
    }

    @Test
    void aPermitWhoseHolderNeverGivesItBackIsFreedWhenItsLeaseEnds() throws InterruptedException {
        String limiter = freshLimiter();
        LimitRequest dead = concurrency(limiter, 1, LEASE, 1);
        assertThat(acquire(dead).permitted()).isTrue();
        assertThat(acquire(concurrency(limiter, 1, LEASE, 1)).permitted()).isFalse();
        Thread.sleep(LEASE + 50);
        LimitRequest next = concurrency(limiter, 1, LEASE, 1);
        assertThat(peek(next).outcome(0).remaining()).isEqualTo(1);
        assertThat(acquire(next).permitted()).isTrue();
        assertThat(backend().renew(List.of(dead))).as("the dead holder's permit is another's now").isFalse();
        assertThat(backend().renew(List.of(next))).isTrue();
    }

    @Test
    void aRenewedPermitOutlivesItsLease() throws InterruptedException {
        String limiter = freshLimiter();
        LimitRequest running = concurrency(limiter, 1, LEASE, 1);
        assertThat(acquire(running).permitted()).isTrue();
        for (int i = 0; i < 5; i++) {
            Thread.sleep(LEASE / 3);
            assertThat(backend().renew(List.of(running))).isTrue();
        }
        // 5/3 of a lease later, still held
        assertThat(acquire(concurrency(limiter, 1, LEASE, 1)).permitted()).isFalse();
        release(running);
        assertThat(backend().renew(List.of(running))).as("given back: nothing left to renew").isFalse();
        assertThat(acquire(concurrency(limiter, 1, LEASE, 1)).permitted()).isTrue();
    }

    @Test
    void aConcurrencyPermitIsTakenOnlyWhenTheCallsOtherLimitsAdmitItAndViceVersa() {
        LimitRequest rate = request(freshLimiter(), policy(Algorithm.FIXED_WINDOW, 1, LONG));
        String limiter = freshLimiter();
        LimitRequest permit = concurrency(limiter, 1, LONG, 1);
        assertThat(acquire(rate, permit).permitted()).isTrue();
        release(permit);

        RateLimitDecision refusedByRate = acquire(rate, concurrency(limiter, 1, LONG, 1));
        assertThat(refusedByRate.permitted()).isFalse();
        assertThat(refusedByRate.outcome(1).permitted()).isTrue();
        assertThat(peek(permit).outcome(0).remaining()).as("no permit taken by a refused call").isEqualTo(1);

        LimitRequest roomy = request(freshLimiter(), policy(Algorithm.FIXED_WINDOW, 5, LONG));
        assertThat(acquire(concurrency(limiter, 1, LONG, 1)).permitted()).isTrue();
        RateLimitDecision refusedByPermits = acquire(roomy, concurrency(limiter, 1, LONG, 1));
        assertThat(refusedByPermits.permitted()).isFalse();
        assertThat(peek(roomy).outcome(0).remaining()).as("nothing counted by a refused call").isEqualTo(5);
    }

    @Test
    void anAcquireOfAConcurrencyLimitNeedsAHolder() {
        LimitRequest anonymous = new LimitRequest(freshLimiter(), "", LimitPolicy.concurrency(1, LONG), 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> backend().acquire(List.of(anonymous)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(anonymous.limiter());
    }

    /**
     * 100 callers call a "method" over and over for a while, each taking a permit, holding it for a few
     * milliseconds inside, and giving it back: the method itself counts how many are inside at once.
     */
    @Test
    void neverMoreThanTheLimitHoldPermitsAtOnceAmongManyCallers() throws Exception {
        String limiter = freshLimiter();
        int limit = 7;
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(100);
        List<Future<?>> calls = new ArrayList<>();
        for (int c = 0; c < 100; c++) {
            calls.add(callers.submit(() -> {
                start.await();
                for (int i = 0; i < 10; i++) {
                    LimitRequest request = concurrency(limiter, limit, LONG, 1);
                    if (backend().acquire(List.of(request)).permitted()) {
                        int now = inside.incrementAndGet();
                        most.accumulateAndGet(now, Math::max);
                        admitted.incrementAndGet();
                        Thread.sleep(3);
                        inside.decrementAndGet();
                        backend().release(List.of(request)).join();
                    }
                }
                return null;
            }));
        }
        for (Future<?> call : calls) {
            call.get();
        }
        assertThat(most.get()).isLessThanOrEqualTo(limit);
        assertThat(admitted.get()).isGreaterThan(limit);
        assertThat(peek(concurrency(limiter, limit, LONG, 1)).outcome(0).remaining()).isEqualTo(limit);
    }
}
