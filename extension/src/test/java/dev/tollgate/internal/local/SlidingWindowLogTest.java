package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.tollgate.RateLimit.Algorithm.SLIDING_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run-length ring buffer against the plainest possible log (a sorted list, one timestamp per permit), over
 * long random sequences: bursts of one millisecond, gaps that empty the log, wrap-around, growth and shrinking,
 * and now and then a clock that steps back.
 */
class SlidingWindowLogTest {

    @ParameterizedTest(name = "limit {0}, window {1} ms, seed {2}")
    @CsvSource({"1, 10, 1", "5, 100, 2", "64, 1000, 3", "500, 200, 4", "3000, 50, 5"})
    void answersLikeALogOfOneTimestampPerPermit(long limit, long window, long seed) {
        LimitPolicy policy = LimitPolicy.window(SLIDING_WINDOW, limit, window);
        Random random = new Random(seed);
        SlidingWindowLog log = new SlidingWindowLog();
        PlainLog plain = new PlainLog();
        long now = 1_700_000_000_000L;
        for (int step = 0; step < 20_000; step++) {
            now += nextStep(random, window);
            long cost = 1 + (random.nextInt(4) == 0 ? random.nextInt((int) limit) : 0);
            String at = "step " + step + " at " + now + " cost " + cost;
            if (random.nextInt(5) == 0) {
                assertThat(log.describe(policy, cost, now)).as(at).isEqualTo(plain.describe(policy, cost, now));
            } else {
                LimitOutcome outcome = log.hasRoom(policy, cost, now)
                        ? log.consume(policy, cost, now)
                        : log.describe(policy, cost, now);
                assertThat(outcome).as(at).isEqualTo(plain.acquire(policy, cost, now));
                if (outcome.permitted()) {
                    assertThat(log.expiresAtMillis()).as(at).isEqualTo(plain.newest() + window);
                }
            }
        }
    }

    /** Mostly small steps (often 0, so runs grow), sometimes a gap longer than the window, rarely a step back. */
    private static long nextStep(Random random, long window) {
        int kind = random.nextInt(100);
        if (kind < 30) {
            return 0;
        } else if (kind < 95) {
            return random.nextInt((int) Math.max(1, window / 20));
        } else if (kind < 98) {
            return window + random.nextInt((int) window);
        }
        return -random.nextInt((int) window);
    }

    /** The formulas of {@link dev.tollgate.internal.ratelimit} read literally. */
    private static final class PlainLog {

        private final List<Long> stamps = new ArrayList<>();

        LimitOutcome acquire(LimitPolicy policy, long cost, long now) {
            stamps.removeIf(ts -> ts <= now - policy.windowMillis());
            if (stamps.size() + cost > policy.limit()) {
                return describe(policy, cost, now);
            }
            int at = 0;
            while (at < stamps.size() && stamps.get(at) <= now) {
                at++;
            }
            stamps.addAll(at, Collections.nCopies((int) cost, now));
            return new LimitOutcome(true, policy.limit(), policy.limit() - stamps.size(),
                    newest() + policy.windowMillis() - now, 0, stamps.get(0) + policy.windowMillis() - now);
        }

        LimitOutcome describe(LimitPolicy policy, long cost, long now) {
            List<Long> live = stamps.stream().filter(ts -> ts > now - policy.windowMillis()).toList();
            long n = live.size();
            boolean permitted = n + cost <= policy.limit();
            long reset = n == 0 ? 0 : newest() + policy.windowMillis() - now;
            long retryAfter = permitted
                    ? 0
                    : live.get((int) (n + cost - policy.limit()) - 1) + policy.windowMillis() - now;
            long next = n == 0 ? policy.windowMillis() : live.get(0) + policy.windowMillis() - now;
            return new LimitOutcome(permitted, policy.limit(), policy.limit() - n, reset, retryAfter, next);
        }

        long newest() {
            return stamps.get(stamps.size() - 1);
        }
    }
}
