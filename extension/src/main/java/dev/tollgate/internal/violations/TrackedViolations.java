package dev.tollgate.internal.violations;

import dev.tollgate.RateLimitViolations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link RateLimitViolations} read from a tracker's store: the current period's ranking and the previous one's. */
public final class TrackedViolations implements RateLimitViolations {

    private static final Comparator<Offender> MOST_FIRST = Comparator.comparingLong(Offender::total).reversed()
            .thenComparing(Comparator.comparingLong(Offender::currentPeriod).reversed())
            .thenComparing(Offender::limiter).thenComparing(Offender::partition);

    private final ViolationTracker tracker;
    private final Collection<String> limiters;

    /** @param limiters every limiter of the application, for {@link #topOffenders(int)} */
    public TrackedViolations(ViolationTracker tracker, Collection<String> limiters) {
        this.tracker = tracker;
        this.limiters = List.copyOf(limiters);
    }

    @Override
    public Duration period() {
        return Duration.ofMillis(tracker.settings().periodMillis());
    }

    @Override
    public List<Offender> topOffenders(String limiter, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        List<Offender> offenders = offendersOf(limiter, tracker.currentPeriod());
        offenders.sort(MOST_FIRST);
        return List.copyOf(offenders.subList(0, Math.min(count, offenders.size())));
    }

    @Override
    public List<Offender> topOffenders(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        long current = tracker.currentPeriod();
        List<Offender> offenders = new ArrayList<>();
        for (String limiter : limiters) {
            offenders.addAll(offendersOf(limiter, current));
        }
        offenders.sort(MOST_FIRST);
        return List.copyOf(offenders.subList(0, Math.min(count, offenders.size())));
    }

    private List<Offender> offendersOf(String limiter, long current) {
        int kept = tracker.settings().top();
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (ViolationStore.Ranked ranked : tracker.store().top(limiter, current, kept)) {
            counts.computeIfAbsent(ranked.partition(), p -> new long[2])[0] = ranked.refusals();
        }
        for (ViolationStore.Ranked ranked : tracker.store().top(limiter, current - 1, kept)) {
            counts.computeIfAbsent(ranked.partition(), p -> new long[2])[1] = ranked.refusals();
        }
        List<Offender> offenders = new ArrayList<>(counts.size());
        counts.forEach((partition, c) -> offenders.add(new Offender(limiter, partition, c[0], c[1])));
        return offenders;
    }
}
