package dev.tollgate.internal.cdi;

import dev.tollgate.PersistentViolation;
import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import dev.tollgate.RateLimitViolations;
import dev.tollgate.testing.RedisProcess;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Refusals reach {@link RateLimitViolations} and persistent violators a {@link PersistentViolation} event. */
class ViolationsTest {

    static final List<PersistentViolation> EVENTS = new CopyOnWriteArrayList<>();

    @ApplicationScoped
    public static class Search {
        @RateLimit(name = "search", limit = 1, window = 1, windowUnit = ChronoUnit.HOURS, key = "header:X-User")
        public String search() {
            return "found";
        }

        @RateLimit(name = "search-shadow", limit = 1, window = 1, windowUnit = ChronoUnit.HOURS, shadow = true)
        public String shadowed() {
            return "found";
        }
    }

    @ApplicationScoped
    public static class Audit {
        void on(@Observes PersistentViolation violation) {
            EVENTS.add(violation);
        }
    }

    @Test
    void aRefusedCallerIsRankedByHashAndAPersistentOneRaisesAnEventInMemory() throws Exception {
        EVENTS.clear();
        awayFromAPeriodsEnd();
        try (var container = TollgateContainer.start(Map.of("tollgate.violations.persistent-threshold", "3"),
                Search.class, Audit.class)) {
            Search search = container.bean(Search.class);
            refuse(search, "alice", 1 + 4);
            refuse(search, "bob", 1 + 1);
            RateLimitViolations violations = container.bean(RateLimitViolations.class);
            List<RateLimitViolations.Offender> top = await(() -> violations.topOffenders("search", 10), 2);

            System.out.println("RateLimitViolations.topOffenders(\"search\", 10): " + top);
            assertThat(top).extracting(RateLimitViolations.Offender::currentPeriod).containsExactly(4L, 1L);
            assertThat(top.get(0).partition()).as("the hash Redis keys use").startsWith("h:").doesNotContain("alice");
            await(() -> EVENTS, 1);
            System.out.println("PersistentViolation observed: " + EVENTS);
            assertThat(EVENTS).singleElement().satisfies(event -> {
                assertThat(event.limiter()).isEqualTo("search");
                assertThat(event.partition()).isEqualTo(top.get(0).partition());
                assertThat(event.refusals()).isEqualTo(4);
                assertThat(event.key()).isEqualTo("header:X-User");
                assertThat(event.method()).contains("Search").contains("search");
            });
        }
    }

    @Test
    void withIdentitiesTheCallersValueIsRankedInClearOnRedis() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             var container = TollgateContainer.start(Map.of("tollgate.redis.address", redis.address(),
                     "tollgate.violations.identities", "true"), Search.class, Audit.class)) {
            awayFromAPeriodsEnd();
            Search search = container.bean(Search.class);
            refuse(search, "alice", 3);
            search.shadowed();
            search.shadowed(); // a shadow refusal: the call went ahead, and it is ranked too
            RateLimitViolations violations = container.bean(RateLimitViolations.class);
            assertThat(await(() -> violations.topOffenders("search", 10), 1)).containsExactly(
                    new RateLimitViolations.Offender("search", "header:X-User=alice", 2, 0));
            assertThat(await(() -> violations.topOffenders("search-shadow", 10), 1)).containsExactly(
                    new RateLimitViolations.Offender("search-shadow", "(all callers)", 1, 0));
            assertThat(violations.topOffenders(10)).hasSize(2);
        }
    }

    /** Refusals counted in one period: a test that would start within 5 s of a minute's end waits for the next. */
    private static void awayFromAPeriodsEnd() throws InterruptedException {
        long left = 60_000 - System.currentTimeMillis() % 60_000;
        if (left < 5_000) {
            Thread.sleep(left + 100);
        }
    }

    private static void refuse(Search search, String user, int calls) {
        try (FakeHttp http = FakeHttp.request("X-User", user)) {
            search.search();
            for (int i = 1; i < calls; i++) {
                assertThatThrownBy(search::search).isInstanceOf(RateLimitExceededException.class);
            }
        }
    }

    /** What {@code read} answers once it holds at least {@code size} elements: refusals arrive at the next flush. */
    private static <T> List<T> await(Supplier<List<T>> read, int size) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        List<T> answer = read.get();
        while (answer.size() < size && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            answer = read.get();
        }
        return answer;
    }
}
