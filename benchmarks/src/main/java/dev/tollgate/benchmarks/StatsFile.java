package dev.tollgate.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Appends one tab-separated line per measurement to the file named by {@code -Dtollgate.bench.stats}. */
final class StatsFile {

    private StatsFile() {
    }

    static void append(String... fields) {
        String file = System.getProperty("tollgate.bench.stats");
        if (file == null) {
            return;
        }
        try {
            Files.writeString(Path.of(file), String.join("\t", fields) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code a=1;b=2}, sorted by name. */
    static String commands(Map<String, Long> commands) {
        return new TreeMap<>(commands).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(";"));
    }
}
