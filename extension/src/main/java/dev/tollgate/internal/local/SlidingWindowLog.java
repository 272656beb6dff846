package dev.tollgate.internal.local;

import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;

/**
 * SLIDING_WINDOW: an exact log of one timestamp per permit taken, oldest first.
 *
 * <p>Stored run-length encoded: a run is a timestamp and how many permits were taken at it, kept in two parallel
 * ring buffers of primitive longs. The numbers are those of the one-timestamp-per-permit log (a call of cost
 * {@code c} adds {@code c} equal timestamps, and the {@code k}-th oldest entry is found by counting through the
 * runs), but memory grows with the number of distinct milliseconds in the window rather than with the permits,
 * and nothing is boxed. The buffers double when full and halve when a quarter full, so a log that once held a
 * burst does not keep its memory.
 *
 * <p>Timestamps stay sorted even if the clock steps back (an entry is then inserted in its place, as a Redis
 * sorted set would), so "oldest" and "newest" mean the smallest and largest timestamp, as in the Redis script.
 */
final class SlidingWindowLog extends LimitState {

    private static final int MIN_RUNS = 4;
    private static final long[] NONE = new long[0];

    /** Ring buffers of equal power-of-two length; run {@code i} (0 = oldest) is at {@code slot(i)}. */
    private long[] stamps = NONE;
    private long[] counts = NONE;
    private int head;
    private int runs;
    /** Sum of {@code counts}: the entries in the log. */
    private long entries;
    private long expiresAt;

    @Override
    public boolean hasRoom(LimitPolicy policy, long cost, long now) {
        dropUpTo(now - policy.windowMillis());
        return entries + cost <= policy.limit();
    }

    @Override
    public LimitOutcome consume(LimitPolicy policy, long cost, long now) {
        dropUpTo(now - policy.windowMillis());
        add(now, cost);
        expiresAt = newest() + policy.windowMillis();
        // the oldest entry leaves first (this call's own if the log was empty)
        long next = stamps[head] + policy.windowMillis() - now;
        return new LimitOutcome(true, policy.capacity(), policy.limit() - entries, expiresAt - now, 0, next);
    }

    @Override
    public LimitOutcome describe(LimitPolicy policy, long cost, long now) {
        long cutoff = now - policy.windowMillis();
        int firstLive = firstRunAfter(cutoff);
        long live = entries - entriesBefore(firstLive);
        boolean permitted = live + cost <= policy.limit();
        long reset = live == 0 ? 0 : newest() + policy.windowMillis() - now;
        long retryAfter = permitted
                ? 0
                : stampOfEntry(firstLive, live + cost - policy.limit()) + policy.windowMillis() - now;
        // When the oldest live entry leaves; an empty log gets more only once a permit taken now has left.
        long next = live == 0 ? policy.windowMillis() : stamps[slot(firstLive)] + policy.windowMillis() - now;
        return new LimitOutcome(permitted, policy.capacity(), policy.limit() - live, reset, retryAfter, next);
    }

    @Override
    public long expiresAtMillis() {
        return expiresAt;
    }

    // -- the log ------------------------------------------------------------------------------------------------

    /** Drops the entries with {@code ts <= cutoff}: they are oldest, so they are runs at the head. */
    private void dropUpTo(long cutoff) {
        while (runs > 0 && stamps[head] <= cutoff) {
            entries -= counts[head];
            head = slot(1);
            runs--;
        }
        if (stamps.length > MIN_RUNS && runs <= stamps.length / 4) {
            resize(stamps.length / 2);
        }
    }

    /** Adds {@code cost} entries at {@code now}, in timestamp order. */
    private void add(long now, long cost) {
        int at = runs;
        while (at > 0 && stamps[slot(at - 1)] > now) {
            at--; // only when the clock stepped back
        }
        entries += cost;
        if (at > 0 && stamps[slot(at - 1)] == now) {
            counts[slot(at - 1)] += cost;
            return;
        }
        if (runs == stamps.length) {
            resize(Math.max(MIN_RUNS, stamps.length * 2));
        }
        for (int i = runs; i > at; i--) {
            stamps[slot(i)] = stamps[slot(i - 1)];
            counts[slot(i)] = counts[slot(i - 1)];
        }
        stamps[slot(at)] = now;
        counts[slot(at)] = cost;
        runs++;
    }

    private long newest() {
        return stamps[slot(runs - 1)];
    }

    /** Index of the oldest run with a timestamp after {@code cutoff}; {@code runs} if there is none. */
    private int firstRunAfter(long cutoff) {
        int run = 0;
        while (run < runs && stamps[slot(run)] <= cutoff) {
            run++;
        }
        return run;
    }

    private long entriesBefore(int run) {
        long sum = 0;
        for (int i = 0; i < run; i++) {
            sum += counts[slot(i)];
        }
        return sum;
    }

    /** Timestamp of the {@code k}-th oldest entry ({@code k >= 1}) counting from run {@code fromRun}. */
    private long stampOfEntry(int fromRun, long k) {
        int run = fromRun;
        long seen = counts[slot(run)];
        while (seen < k) {
            run++;
            seen += counts[slot(run)];
        }
        return stamps[slot(run)];
    }

    private int slot(int run) {
        return (head + run) & (stamps.length - 1);
    }

    private void resize(int length) {
        long[] newStamps = new long[length];
        long[] newCounts = new long[length];
        for (int i = 0; i < runs; i++) {
            newStamps[i] = stamps[slot(i)];
            newCounts[i] = counts[slot(i)];
        }
        stamps = newStamps;
        counts = newCounts;
        head = 0;
    }
}
