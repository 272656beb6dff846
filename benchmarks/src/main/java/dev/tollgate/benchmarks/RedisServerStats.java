package dev.tollgate.benchmarks;

import dev.tollgate.testing.RedisInspector;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the Redis server says about the work it did: command counts ({@code INFO commandstats}, commands run inside
 * scripts included), its own CPU time ({@code INFO cpu}), and the memory and TTL of every key. Read over a plain
 * connection of its own, whose {@code INFO}, {@code SCAN} and {@code MEMORY} calls are left out of the counts.
 */
final class RedisServerStats implements AutoCloseable {

    /** Commands the measurement itself sends. */
    private static final List<String> OWN = List.of("info", "config|resetstat", "config", "flushall", "scan",
            "memory", "memory|usage", "pttl", "dbsize");

    private final RedisInspector inspector;

    RedisServerStats(String address) {
        URI uri = URI.create(address);
        inspector = new RedisInspector(uri.getHost(), uri.getPort());
    }

    /** Deletes every key and zeroes the command statistics. */
    void reset() {
        inspector.call("FLUSHALL");
        inspector.call("CONFIG", "RESETSTAT");
    }

    void resetStats() {
        inspector.call("CONFIG", "RESETSTAT");
    }

    /** Commands run so far, by name, without the measurement's own. */
    Map<String, Long> commands() {
        Map<String, Long> calls = new TreeMap<>(inspector.commandCalls());
        calls.keySet().removeAll(OWN);
        return calls;
    }

    /**
     * Microseconds spent so far in each command ({@code usec} of {@code INFO commandstats}; a script's include those
     * of the commands it runs), without the measurement's own.
     */
    Map<String, Long> commandMicros() {
        Map<String, Long> usec = new TreeMap<>();
        for (String line : ((String) inspector.call("INFO", "commandstats")).split("\r\n")) {
            int usecAt = line.indexOf("usec=");
            if (line.startsWith("cmdstat_") && usecAt > 0) {
                String command = line.substring("cmdstat_".length(), line.indexOf(':'));
                int end = line.indexOf(',', usecAt);
                usec.put(command,
                        Long.parseLong(line.substring(usecAt + "usec=".length(), end < 0 ? line.length() : end)));
            }
        }
        usec.keySet().removeAll(OWN);
        return usec;
    }

    /** used_cpu_user + used_cpu_sys, in seconds. */
    double cpuSeconds() {
        double total = 0;
        for (String line : ((String) inspector.call("INFO", "cpu")).split("\r\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1));
            }
        }
        return total;
    }

    /** Every key: how many, their MEMORY USAGE summed (exact: SAMPLES 0), how many have no TTL. */
    Footprint footprint() {
        long bytes = 0;
        long withoutTtl = 0;
        List<String> keys = inspector.keys();
        for (String key : keys) {
            Object usage = inspector.call("MEMORY", "USAGE", key, "SAMPLES", "0");
            if (usage != null) {
                bytes += (Long) usage;
                if (inspector.pttl(key) == -1) {
                    withoutTtl++;
                }
            }
        }
        return new Footprint(keys.size(), bytes, withoutTtl);
    }

    /** The differences between two counts of commands. */
    static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> delta = new HashMap<>();
        after.forEach((command, calls) -> {
            long d = calls - before.getOrDefault(command, 0L);
            if (d > 0) {
                delta.put(command, d);
            }
        });
        return delta;
    }

    record Footprint(long keys, long bytes, long withoutTtl) {
    }

    @Override
    public void close() {
        inspector.close();
    }
}
