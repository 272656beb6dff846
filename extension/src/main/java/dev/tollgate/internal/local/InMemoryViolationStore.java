package dev.tollgate.internal.local;

import dev.tollgate.internal.violations.ViolationStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Violation rankings in this JVM's memory: per limiter and period, a count per partition, trimmed to the {@code top}
 * most refused after each addition (as the Redis store trims its sorted set), and forgotten two periods after their
 * period. What it holds is thus bounded by the limiters × 3 periods × {@code top} partitions (plus, between two
 * trims, the partitions of one addition).
 */
public final class InMemoryViolationStore implements ViolationStore {

    private record Ranking(String limiter, long period) {
    }

    private final int top;
    private final Map<Ranking, Map<String, Long>> rankings = new ConcurrentHashMap<>();

    /** @param top partitions kept per limiter and period */
    public InMemoryViolationStore(int top) {
        this.top = top;
    }

    @Override
    public CompletableFuture<Map<String, Long>> add(String limiter, long period, Map<String, Long> counts) {
        rankings.keySet().removeIf(ranking -> ranking.period() < period - 2);
        Map<String, Long> ranking = rankings.computeIfAbsent(new Ranking(limiter, period), r -> new HashMap<>());
        Map<String, Long> totals = new HashMap<>(counts.size() * 2);
        synchronized (ranking) {
            counts.forEach((partition, refusals) -> totals.put(partition, ranking.merge(partition, refusals, Long::sum)));
            if (ranking.size() > top) {
                List<Map.Entry<String, Long>> entries = new ArrayList<>(ranking.entrySet());
                entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
                for (Map.Entry<String, Long> dropped : entries.subList(top, entries.size())) {
                    ranking.remove(dropped.getKey());
                }
            }
        }
        return CompletableFuture.completedFuture(totals);
    }

    @Override
    public List<Ranked> top(String limiter, long period, int count) {
        Map<String, Long> ranking = rankings.get(new Ranking(limiter, period));
        if (ranking == null) {
            return List.of();
        }
        List<Ranked> ranked = new ArrayList<>();
        synchronized (ranking) {
            ranking.forEach((partition, refusals) -> ranked.add(new Ranked(partition, refusals)));
        }
        ranked.sort((a, b) -> Long.compare(b.refusals(), a.refusals()));
        return List.copyOf(ranked.subList(0, Math.min(count, ranked.size())));
    }

    @Override
    public void close() {
        rankings.clear();
    }
}
