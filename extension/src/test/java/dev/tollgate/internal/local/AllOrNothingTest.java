package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tollgate.RateLimit.Algorithm.FIXED_WINDOW;
import static dev.tollgate.RateLimit.Algorithm.SLIDING_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Several limits on one call: checked together, consumed together or not at all. */
class AllOrNothingTest {

    private static final long WINDOW_START = 1_700_000_000_000L;

    private final ManualClock clock = new ManualClock(WINDOW_START + 250);
    private final InMemoryRateLimitBackend backend = new InMemoryRateLimitBackend(clock, 1_000);

    private final LimitRequest perUser = new LimitRequest("api/user", "alice",
            LimitPolicy.window(SLIDING_WINDOW, 2, 1_000), 1);
    private final LimitRequest global = new LimitRequest("api/global", "",
            LimitPolicy.window(FIXED_WINDOW, 1, 1_000), 1);

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void aCallRefusedByOneLimitConsumesFromNone() {
        RateLimitDecision first = backend.acquire(List.of(perUser, global));
        assertThat(first.permitted()).isTrue();
        assertThat(first.outcomes()).containsExactly(
                new LimitOutcome(true, 2, 1, 1_000, 0, 1_000),
                new LimitOutcome(true, 1, 0, 750, 0, 750));

        clock.advance(100);
        RateLimitDecision second = backend.acquire(List.of(perUser, global));
        assertThat(second.permitted()).isFalse();
        // The per-user limit had room, so it reports it, but it gave nothing to a call that was refused.
        assertThat(second.outcomes()).containsExactly(
                new LimitOutcome(true, 2, 1, 900, 0, 900),
                new LimitOutcome(false, 1, 0, 650, 650, 650));
        assertThat(second.retryAfterMillis()).isEqualTo(650);

        assertThat(backend.acquire(List.of(perUser)).outcome(0)).isEqualTo(new LimitOutcome(true, 2, 0, 1_000, 0, 900));
    }

    @Test
    void aRefusedCallStoresNoFreshState() {
        backend.acquire(List.of(global));
        LimitRequest fresh = new LimitRequest("api/other", "bob", LimitPolicy.tokenBucket(1, 1_000, 1), 1);
        assertThat(backend.acquire(List.of(fresh, global)).permitted()).isFalse();
        assertThat(backend.storedStates()).isEqualTo(1);
    }

    @Test
    void aPeekIsPermittedOnlyIfEveryLimitWouldBe() {
        assertThat(backend.peek(List.of(perUser, global)).permitted()).isTrue();
        backend.acquire(List.of(global));
        RateLimitDecision peek = backend.peek(List.of(perUser, global));
        assertThat(peek.permitted()).isFalse();
        assertThat(peek.outcomes()).extracting(LimitOutcome::permitted).containsExactly(true, false);
    }

    @Test
    void rejectsACallWithoutLimitsOrWithOneLimitTwice() {
        assertThatIllegalArgumentException().isThrownBy(() -> backend.acquire(List.of()));
        LimitRequest sameKeyOtherCost = new LimitRequest("api/user", "alice", perUser.policy(), 2);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> backend.acquire(List.of(perUser, global, sameKeyOtherCost)))
                .withMessageContaining("api/user");
    }
}
