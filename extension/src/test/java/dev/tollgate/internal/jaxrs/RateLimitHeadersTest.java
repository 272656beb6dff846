package dev.tollgate.internal.jaxrs;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.local.InMemoryRateLimitBackend;
import dev.tollgate.internal.ratelimit.AppliedLimit;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.ratelimit.RateLimitResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tollgate.internal.jaxrs.Fakes.bucket;
import static dev.tollgate.internal.jaxrs.Fakes.fixed;
import static dev.tollgate.internal.jaxrs.Fakes.permitted;
import static dev.tollgate.internal.jaxrs.Fakes.refused;
import static dev.tollgate.internal.jaxrs.Fakes.result;
import static dev.tollgate.internal.jaxrs.Fakes.sliding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class RateLimitHeadersTest {

    /** 2026-01-01T00:00:00Z */
    private static final long DECIDED_AT = 1_767_225_600_000L;

    /** An RFC 8941 List of Items whose bare item is a String and whose parameters are Integers. */
    private static final Pattern SF_LIST = Pattern.compile(
            "\"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\"\\\\])*\"(?:;[a-z*][a-z0-9_.*-]*=\\d{1,15})*"
                    + "(?:, \"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\"\\\\])*\"(?:;[a-z*][a-z0-9_.*-]*=\\d{1,15})*)*");

    @Test
    void oneFixedWindow() {
        RateLimitResult result = result(List.of(fixed("orders", 100, 60_000)), permitted(100, 99, 42_500, 42_500));

        assertThat(RateLimitHeaders.render(result, DECIDED_AT)).containsExactly(
                entry("RateLimit-Policy", "\"orders\";q=100;w=60"),
                entry("RateLimit", "\"orders\";r=99;t=43"),
                entry("X-RateLimit-Limit", "100"),
                entry("X-RateLimit-Remaining", "99"),
                entry("X-RateLimit-Reset", "1767225643"));
    }

    @Test
    void headersHandedOneByOneAreThoseOfTheMapInItsOrder() {
        RateLimitResult result = result(
                List.of(sliding("burst", 10, 1_000), fixed("daily", 1_000, 86_400_000)),
                permitted(10, 7, 800, 800), permitted(1_000, 958, 37_000_500, 37_000_500));
        java.util.Map<String, String> handed = new java.util.LinkedHashMap<>();

        RateLimitHeaders.render(result, DECIDED_AT, handed::put);
        java.util.Map<String, String> mapped = RateLimitHeaders.render(result, DECIDED_AT);

        assertThat(handed).containsExactlyEntriesOf(mapped);
        assertThat(mapped).containsEntry("RateLimit-Policy", "\"burst\";q=10;w=1, \"daily\";q=1000;w=86400");
    }

    @Test
    void twoLimitsOneMemberEach() {
        RateLimitResult result = result(
                List.of(sliding("burst", 10, 1_000), fixed("daily", 1_000, 86_400_000)),
                permitted(10, 7, 800, 800), permitted(1_000, 958, 37_000_500, 37_000_500));

        assertThat(RateLimitHeaders.render(result, DECIDED_AT)).containsExactly(
                entry("RateLimit-Policy", "\"burst\";q=10;w=1, \"daily\";q=1000;w=86400"),
                entry("RateLimit", "\"burst\";r=7;t=1, \"daily\";r=958;t=37001"),
                entry("X-RateLimit-Limit", "10"),
                entry("X-RateLimit-Remaining", "7"),
                entry("X-RateLimit-Reset", "1767225601"));
    }

    @Test
    void threeLimitsWithATokenBucket() {
        RateLimitResult result = result(
                List.of(bucket("api/burst", 5, 1_000, 20), sliding("api/minute", 60, 60_000),
                        fixed("api/day", 5_000, 86_400_000)),
                permitted(20, 12, 1_600, 200), permitted(60, 3, 58_001, 2_500), permitted(5_000, 4_100, 3_600_000, 3_600_000));

        // bucket: q = burst 20, w = time to refill 20 tokens at 5 per second = 4 s
        assertThat(RateLimitHeaders.policy(result))
                .isEqualTo("\"api/burst\";q=20;w=4, \"api/minute\";q=60;w=60, \"api/day\";q=5000;w=86400");
        // t: until more quota comes (the next token, the oldest entry leaving, the day's end), not until full again
        assertThat(RateLimitHeaders.rateLimit(result))
                .isEqualTo("\"api/burst\";r=12;t=1, \"api/minute\";r=3;t=3, \"api/day\";r=4100;t=3600");
        assertThat(RateLimitHeaders.render(result, DECIDED_AT)).contains(
                entry("X-RateLimit-Limit", "60"), entry("X-RateLimit-Remaining", "3"),
                entry("X-RateLimit-Reset", "1767225659"));
        assertThat(RateLimitHeaders.policy(result)).matches(SF_LIST);
        assertThat(RateLimitHeaders.rateLimit(result)).matches(SF_LIST);
    }

    @Test
    void aRefusingLimitsTIsWhenMoreQuotaComesNoLaterThanItsRetryAfter() {
        // a call of cost 3 refused by a sliding window: its 3rd oldest entry leaves in 4.2 s, the oldest in 1.1 s
        RateLimitResult result = result(
                List.of(sliding("per-minute", 60, 60_000), fixed("daily", 1_000, 86_400_000)),
                refused(60, 0, 59_000, 4_200, 1_100), permitted(1_000, 958, 37_000_500, 37_000_500));

        assertThat(RateLimitHeaders.rateLimit(result))
                .isEqualTo("\"per-minute\";r=0;t=2, \"daily\";r=958;t=37001");
        // the legacy reset stays "full again", GitHub's meaning
        assertThat(RateLimitHeaders.render(result, DECIDED_AT)).contains(
                entry("X-RateLimit-Limit", "60"), entry("X-RateLimit-Remaining", "0"),
                entry("X-RateLimit-Reset", "1767225659"));
    }

    @Test
    void tIsWholeSecondsRoundedUpAndNeverZeroForABackendsAnswer() {
        RateLimitResult result = result(List.of(bucket("a", 1_000, 1_000, 1_000), fixed("b", 5, 1_000)),
                permitted(1_000, 999, 1, 1), permitted(5, 5, 0, 1_000));
        assertThat(RateLimitHeaders.rateLimit(result)).isEqualTo("\"a\";r=999;t=1, \"b\";r=5;t=1");
    }

    /**
     * Decisions of a real backend, every algorithm, calls of every cost from 4 to 10 refused with 3 permits left: the
     * Retry-After of the refusal is never earlier than the refusing limit's t, and for a cost above what one more permit
     * would cover t says more quota comes sooner.
     */
    @ParameterizedTest
    @EnumSource(value = Algorithm.class, mode = EnumSource.Mode.EXCLUDE, names = "CONCURRENCY") // renders no t
    void retryAfterIsNeverEarlierThanTheRefusingLimitsT(Algorithm algorithm) {
        AtomicLong now = new AtomicLong(DECIDED_AT + 250);
        LimitPolicy policy = switch (algorithm) {
            case TOKEN_BUCKET -> LimitPolicy.tokenBucket(10, 600_000, 10);
            case GCRA -> LimitPolicy.gcra(10, 600_000, 10);
            default -> LimitPolicy.window(algorithm, 10, 600_000);
        };
        try (InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(() -> Instant.ofEpochMilli(now.get()), 100)) {
            backend.acquire(List.of(new LimitRequest("orders", "", policy, 4)));
            now.addAndGet(7_000);
            backend.acquire(List.of(new LimitRequest("orders", "", policy, 3)));
            now.addAndGet(5_000);
            for (long cost = 4; cost <= 10; cost++) {
                RateLimitDecision decision = backend.acquire(List.of(new LimitRequest("orders", "", policy, cost)));
                assertThat(decision.permitted()).isFalse();
                RateLimitResult result = new RateLimitResult(List.of(new AppliedLimit("orders", policy)), decision, true);
                long retryAfter = RateLimitHeaders.retryAfterSeconds(decision.retryAfter());
                long t = t(RateLimitHeaders.rateLimit(result));
                assertThat(retryAfter).as("%s, cost %d", algorithm, cost).isGreaterThanOrEqualTo(t);
                if (cost == 10 && algorithm != Algorithm.FIXED_WINDOW) {
                    assertThat(t).as("%s: more quota comes before a call of 10 fits", algorithm).isLessThan(retryAfter);
                }
            }
        }
    }

    private static long t(String rateLimit) {
        Matcher t = Pattern.compile(";t=(\\d+)").matcher(rateLimit);
        assertThat(t.find()).isTrue();
        return Long.parseLong(t.group(1));
    }

    @Test
    void windowsAreWholeSecondsRoundedUp() {
        assertThat(RateLimitHeaders.windowSeconds(fixed("a", 1, 1).policy())).isEqualTo(1);
        assertThat(RateLimitHeaders.windowSeconds(fixed("a", 1, 1_000).policy())).isEqualTo(1);
        assertThat(RateLimitHeaders.windowSeconds(sliding("a", 1, 1_500).policy())).isEqualTo(2);
        // 10 tokens at 3 per second: 3.33 s to refill
        assertThat(RateLimitHeaders.windowSeconds(bucket("a", 3, 1_000, 10).policy())).isEqualTo(4);
        // 1 token at 1000 per millisecond: never 0
        assertThat(RateLimitHeaders.windowSeconds(bucket("a", 1_000, 1, 1).policy())).isEqualTo(1);
        // a GCRA's w, like a token bucket's: a whole burst's time back to rest, 5 intervals of 36 s
        assertThat(RateLimitHeaders.windowSeconds(LimitPolicy.gcra(100, 3_600_000, 5))).isEqualTo(180);
    }

    @Test
    void hugeValuesAreCappedToAStructuredFieldInteger() {
        long max = LimitPolicy.MAX_PERMITS;
        RateLimitResult result = result(List.of(bucket("yearly", 1, LimitPolicy.MAX_WINDOW_MILLIS, max)),
                permitted(max, max, Long.MAX_VALUE, Long.MAX_VALUE));

        assertThat(RateLimitHeaders.policy(result)).isEqualTo("\"yearly\";q=1099511627776;w=999999999999999");
        assertThat(RateLimitHeaders.rateLimit(result)).isEqualTo("\"yearly\";r=1099511627776;t=999999999999999");
    }

    @Test
    void oddNamesStayValidStructuredFieldStrings() {
        assertThat(RateLimitHeaders.sfString("com.acme.Orders/create")).isEqualTo("\"com.acme.Orders/create\"");
        assertThat(RateLimitHeaders.sfString("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(RateLimitHeaders.sfString("tab\tnew\nline\u007f")).isEqualTo("\"tab%09new%0aline%7f\"");
        assertThat(RateLimitHeaders.sfString("café ☕ 😀")).isEqualTo("\"caf%c3%a9 %e2%98%95 %f0%9f%98%80\"");
        assertThat(RateLimitHeaders.sfString("50%")).as("%% escaped, so distinct names stay distinct")
                .isEqualTo("\"50%25\"");
        assertThat(RateLimitHeaders.sfString("\ud800")).isEqualTo("\"%3f\"");
        assertThat(RateLimitHeaders.sfString("")).isEqualTo("\"\"");

        RateLimitResult result = result(List.of(fixed("x\", \"y\";q=1", 5, 1_000), fixed("\r\nSet-Cookie: a=b", 5, 1_000)),
                permitted(5, 4, 100, 100), permitted(5, 4, 100, 100));
        assertThat(RateLimitHeaders.policy(result))
                .isEqualTo("\"x\\\", \\\"y\\\";q=1\";q=5;w=1, \"%0d%0aSet-Cookie: a=b\";q=5;w=1")
                .matches(SF_LIST)
                .doesNotContain("\r", "\n");
        assertThat(RateLimitHeaders.rateLimit(result)).matches(SF_LIST);
    }

    @Test
    void theMostRestrictiveIsTheRefusingLimitWithTheLongestWait() {
        RateLimitResult result = result(
                List.of(fixed("a", 10, 1_000), fixed("b", 10, 1_000), fixed("c", 10, 1_000), fixed("d", 10, 1_000)),
                permitted(10, 0, 500, 500), refused(10, 1, 900, 300, 300), refused(10, 0, 800, 800, 800), refused(10, 0, 900, 800, 800));

        assertThat(RateLimitHeaders.mostRestrictive(result)).as("c: longest wait, first of the tie").isEqualTo(2);
    }

    @Test
    void whenAllPermitTheMostRestrictiveHasTheFewestRemaining() {
        RateLimitResult result = result(
                List.of(fixed("a", 10, 1_000), fixed("b", 100, 1_000), fixed("c", 1_000, 1_000)),
                permitted(10, 5, 500, 500), permitted(100, 2, 900, 900), permitted(1_000, 2, 10, 10));

        assertThat(RateLimitHeaders.mostRestrictive(result)).as("b: fewest remaining, first of the tie").isEqualTo(1);
        assertThat(RateLimitHeaders.mostRestrictive(result(List.of(fixed("a", 1, 1)), permitted(1, 1, 1, 1))))
                .isZero();
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(RateLimitHeaders.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(RateLimitHeaders.retryAfterSeconds(Duration.ofMillis(1_000))).isEqualTo(1);
        assertThat(RateLimitHeaders.retryAfterSeconds(Duration.ofMillis(1_001))).isEqualTo(2);
        assertThat(RateLimitHeaders.retryAfterSeconds(Duration.ofMillis(59_999))).isEqualTo(60);
        assertThat(RateLimitHeaders.retryAfterSeconds(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(RateLimitHeaders.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
        assertThat(RateLimitHeaders.retryAfterSeconds(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)))
                .isEqualTo(RateLimitHeaders.MAX_SF_INTEGER);
    }

    @Test
    void noLimitsNoHeaders() {
        assertThat(RateLimitHeaders.render(result(List.of()), DECIDED_AT)).isEmpty();
    }

    @Test
    void aConcurrencyLimitIsAQuotaOfConcurrentRequestsWithoutWindowOrTime() {
        AppliedLimit reports = new AppliedLimit("reports", LimitPolicy.concurrency(10, 60_000));
        RateLimitResult result = result(List.of(reports, fixed("daily", 1_000, 86_400_000)),
                permitted(10, 3, 0, 0), permitted(1_000, 958, 37_000_500, 37_000_500));

        assertThat(RateLimitHeaders.render(result, DECIDED_AT)).containsEntry("RateLimit-Policy",
                        "\"reports\";q=10;qu=\"concurrent-requests\", \"daily\";q=1000;w=86400")
                .containsEntry("RateLimit", "\"reports\";r=3, \"daily\";r=958;t=37001")
                .containsEntry("X-RateLimit-Remaining", "3");
    }
}
