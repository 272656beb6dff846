package dev.tollgate.benchmarks;

import java.util.List;

/**
 * Redis memory per tracked partition: for each Redis contender, on an empty server, 1,000 partitions decided three
 * times each, then every key's MEMORY USAGE summed and divided by 1,000, and the keys without a TTL counted.
 * {@code args[0]}: the server's address; results go to {@link StatsFile}.
 */
public final class FootprintProbe {

    static final int PARTITIONS = 1000;
    static final List<String> CONTENDERS =
            List.of("tollgate-fixed", "tollgate-sliding", "tollgate-bucket", "bucket4j", "rratelimiter", "incr");

    private FootprintProbe() {
    }

    public static void main(String[] args) {
        String address = args[0];
        try (RedisServerStats stats = new RedisServerStats(address)) {
            for (String name : CONTENDERS) {
                stats.reset();
                try (Contender contender = RedisContenders.create(name, address, Keys.partitions(0, PARTITIONS),
                        Policy.FOOTPRINT)) {
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < PARTITIONS; i++) {
                            contender.decide(i);
                        }
                    }
                    RedisServerStats.Footprint footprint = stats.footprint();
                    StatsFile.append("footprint", name, String.valueOf(PARTITIONS), String.valueOf(footprint.keys()),
                            String.valueOf(footprint.bytes()), String.valueOf(footprint.withoutTtl()));
                    System.out.printf("%-17s %5d keys, %7.1f bytes per partition, %d without TTL%n", name,
                            footprint.keys(), footprint.bytes() / (double) PARTITIONS, footprint.withoutTtl());
                }
            }
            stats.reset();
        }
    }
}
