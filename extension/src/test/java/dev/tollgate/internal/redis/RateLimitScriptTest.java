package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.redis.RateLimitScript.Call;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code rate_limit.lua} is sent and how its reply is read, without Redis: the layout its header comment
 * describes. (That the script and this layout agree is shown against a real server by the Redis backend's tests.)
 */
class RateLimitScriptTest {

    private static final LimitPolicy FIXED = LimitPolicy.window(Algorithm.FIXED_WINDOW, 10, 60_000);
    private static final LimitPolicy SLIDING = LimitPolicy.window(Algorithm.SLIDING_WINDOW, 5, 1_000);
    private static final LimitPolicy BUCKET = LimitPolicy.tokenBucket(2, 3_000, 7);

    /** An acquire on two limits, a peek on one, an acquire on two: three distinct policies, one of them shared. */
    private static final List<Call> BATCH = List.of(
            new Call(false, List.of(limit("a", FIXED, 1), limit("b", BUCKET, 2)), List.of("k1", "k2")),
            new Call(true, List.of(limit("a", FIXED, 3)), List.of("k1")),
            new Call(false, List.of(limit("c", SLIDING, 1), limit("b", BUCKET, 1)), List.of("k3", "k2")));

    private static LimitRequest limit(String limiter, LimitPolicy policy, long cost) {
        return new LimitRequest(limiter, "p", policy, cost);
    }

    @Test
    void keysAreEveryCallsKeysInOrder() {
        assertThat(RateLimitScript.keys(BATCH)).containsExactly("k1", "k2", "k1", "k3", "k2");
    }

    @Test
    void onAClusterTheCountersOfEachFixedWindowFollowOnce() {
        assertThat(RateLimitScript.clusterKeys(BATCH))
                .containsExactly("k1", "k2", "k1", "k3", "k2", "k10", "k11", "k12");
    }

    @Test
    void argsAreEachDistinctPolicyOnceThenEachCallsSignedLimitCountAndItsLimitsByPolicyNumber() {
        // p; 4 per policy (code, limit, window, capacity); per call +n (acquire) or -n (peek), 2 per limit
        assertThat(RateLimitScript.args(BATCH)).containsExactly(
                3,
                "F", 10L, 60_000L, 10L,
                "T", 2L, 3_000L, 7L,
                "S", 5L, 1_000L, 5L,
                2, 1, 1L, 2, 2L,
                -1, 1, 3L,
                2, 3, 1L, 2, 1L);
    }

    @Test
    void algorithmsAreNamedAsTheScriptNamesThem() {
        assertThat(RateLimitScript.code(Algorithm.FIXED_WINDOW)).isEqualTo("F");
        assertThat(RateLimitScript.code(Algorithm.SLIDING_WINDOW)).isEqualTo("S");
        assertThat(RateLimitScript.code(Algorithm.TOKEN_BUCKET)).isEqualTo("T");
        assertThat(RateLimitScript.code(Algorithm.GCRA)).isEqualTo("G");
        assertThat(RateLimitScript.code(Algorithm.CONCURRENCY)).isEqualTo("C");
    }

    @Test
    void aConcurrencyLimitIsAcquiredInItsHoldersNameAndPeekedWithoutIt() {
        LimitRequest held = new LimitRequest("r", "", LimitPolicy.concurrency(10, 30_000), 2, "h0lder.1");
        assertThat(RateLimitScript.args(List.of(new Call(false, List.of(held), List.of("k")),
                new Call(true, List.of(held), List.of("k"))))).containsExactly(
                1, "C", 10L, 30_000L, 10L,
                1, 1, "2:h0lder.1",
                -1, 1, 2L);
    }

    @Test
    void theReplyIsPerCallAllPermittedThenFiveNumbersPerLimit() {
        // per limit: permitted, remaining, reset, retry-after, next
        List<Object> reply = List.of(
                1L, 1L, 9L, 60_000L, 0L, 60_000L, 1L, 5L, 1_500L, 0L, 500L,
                0L, 0L, 6L, 59_000L, 59_000L, 59_000L,
                0L, 1L, 4L, 1_000L, 0L, 1_000L, 0L, -2L, 4_500L, 1_500L, 700L);

        List<RateLimitDecision> decisions = RateLimitScript.decode(BATCH, reply);

        assertThat(decisions).extracting(RateLimitDecision::permitted).containsExactly(true, false, false);
        assertThat(decisions.get(0).outcomes()).containsExactly(
                new LimitOutcome(true, 10, 9, 60_000, 0, 60_000),
                new LimitOutcome(true, 7, 5, 1_500, 0, 500));
        assertThat(decisions.get(1).outcomes()).containsExactly(
                new LimitOutcome(false, 10, 6, 59_000, 59_000, 59_000));
        // each limit's capacity comes from its policy, not from the reply; a negative remaining reads as none
        assertThat(decisions.get(2).outcomes()).containsExactly(
                new LimitOutcome(true, 5, 4, 1_000, 0, 1_000),
                new LimitOutcome(false, 7, 0, 4_500, 1_500, 700));
        assertThat(reply).hasSize(BATCH.size() + RateLimitScript.REPLY_PER_LIMIT * 5);
    }
}
