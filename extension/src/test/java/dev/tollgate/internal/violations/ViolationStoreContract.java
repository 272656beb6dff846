package dev.tollgate.internal.violations;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link ViolationStore} must do, run against each by a subclass that supplies the store. */
public abstract class ViolationStoreContract {

    /** Partitions kept per limiter and period by the store under test. */
    protected static final int TOP = 5;
    private static final AtomicLong NAMES = new AtomicLong();

    /** A store keeping {@link #TOP} partitions; the subclass owns its lifecycle. */
    protected abstract ViolationStore store();

    protected static String freshLimiter() {
        return "violations-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    @Test
    void additionsAnswerEachPartitionsNewTotal() {
        String limiter = freshLimiter();
        assertThat(store().add(limiter, 7, Map.of("a", 3L, "b", 1L)).join()).containsOnly(
                Map.entry("a", 3L), Map.entry("b", 1L));
        assertThat(store().add(limiter, 7, Map.of("a", 2L, "c", 4L)).join()).containsOnly(
                Map.entry("a", 5L), Map.entry("c", 4L));
    }

    @Test
    void theTopIsMostRefusedFirst() {
        String limiter = freshLimiter();
        store().add(limiter, 7, Map.of("a", 3L, "b", 9L, "c", 5L)).join();
        assertThat(store().top(limiter, 7, 10)).containsExactly(new ViolationStore.Ranked("b", 9),
                new ViolationStore.Ranked("c", 5), new ViolationStore.Ranked("a", 3));
        assertThat(store().top(limiter, 7, 2)).extracting(ViolationStore.Ranked::partition).containsExactly("b", "c");
    }

    @Test
    void limitersAndPeriodsAreRankedApart() {
        String first = freshLimiter();
        String second = freshLimiter();
        store().add(first, 7, Map.of("a", 3L)).join();
        store().add(first, 8, Map.of("a", 1L)).join();
        store().add(second, 7, Map.of("a", 10L)).join();
        assertThat(store().top(first, 7, 10)).containsExactly(new ViolationStore.Ranked("a", 3));
        assertThat(store().top(first, 8, 10)).containsExactly(new ViolationStore.Ranked("a", 1));
        assertThat(store().top(second, 7, 10)).containsExactly(new ViolationStore.Ranked("a", 10));
        assertThat(store().top(freshLimiter(), 7, 10)).isEmpty();
    }

    @Test
    void onlyTheTopAreKept() {
        String limiter = freshLimiter();
        Map<String, Long> many = new java.util.HashMap<>();
        for (int i = 1; i <= 20; i++) {
            many.put("p" + i, (long) i);
        }
        store().add(limiter, 7, many).join();
        List<ViolationStore.Ranked> kept = store().top(limiter, 7, 100);
        assertThat(kept).extracting(ViolationStore.Ranked::partition).containsExactly("p20", "p19", "p18", "p17", "p16");
        // a partition dropped from the ranking starts again from what it is given
        assertThat(store().add(limiter, 7, Map.of("p1", 1L)).join()).containsEntry("p1", 1L);
    }
}
