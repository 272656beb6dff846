package dev.tollgate.internal.config;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The members of one annotation on one method, each either the annotated value or a configured override: the value
 * of the first key found among {@code <prefix><member>} for the prefixes in precedence order. Problems are reported
 * in one form, {@code Invalid @<Annotation>.<member> on <where>: <reason>, was <value> (from config <key>)}.
 */
final class AnnotationMembers {

    private final ConfigValues config;
    private final String annotation;
    private final List<String> prefixes;
    private final String where;
    private final DeploymentProblems problems;
    private boolean unparsable;

    /**
     * @param annotation the annotation's simple name, for messages
     * @param prefixes   configuration key prefixes, most specific first
     * @param where      the method, as messages name it
     */
    AnnotationMembers(ConfigValues config, String annotation, List<String> prefixes, String where,
                      DeploymentProblems problems) {
        this.config = config;
        this.annotation = annotation;
        this.prefixes = List.copyOf(prefixes);
        this.where = where;
        this.problems = problems;
    }

    /** Whether some configured value did not parse (already reported). */
    boolean unparsable() {
        return unparsable;
    }

    String where() {
        return where;
    }

    /** The configured value of {@code member} and the key it came from, by precedence. */
    Optional<String[]> configured(String member) {
        for (String prefix : prefixes) {
            String key = prefix + member;
            Optional<String> value = config.get(key);
            if (value.isPresent()) {
                return Optional.of(new String[] {value.get().trim(), key});
            }
        }
        return Optional.empty();
    }

    String string(String member, String annotated) {
        return configured(member).map(found -> found[0]).orElse(annotated.trim());
    }

    long number(String member, long annotated) {
        return parse(member, annotated, "a whole number", Long::parseLong);
    }

    boolean bool(String member, boolean annotated) {
        return parse(member, annotated, "true or false", value -> {
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(value);
            }
            throw new IllegalArgumentException(value);
        });
    }

    /** One of {@code type}'s constants, named in any case; the annotated one (and a problem) if none matches. */
    <E extends Enum<E>> E choice(String member, E annotated, Class<E> type) {
        return parse(member, annotated, "one of " + java.util.Arrays.toString(type.getEnumConstants()),
                value -> Enum.valueOf(type, value.toUpperCase(Locale.ROOT)));
    }

    /** The unit, or {@code null} (and a problem) if it is not one of {@code allowed}. */
    ChronoUnit unit(String member, ChronoUnit annotated, Set<ChronoUnit> allowed) {
        String names = allowed.stream().map(ChronoUnit::name).toList().toString();
        ChronoUnit unit = parse(member, annotated, "one of " + names,
                value -> ChronoUnit.valueOf(value.toUpperCase(Locale.ROOT)));
        if (!allowed.contains(unit)) {
            invalid(member, "must be one of " + names, unit.name());
            return null;
        }
        return unit;
    }

    /** The annotated value, or the configured one parsed; the annotated one (and a problem) if it does not parse. */
    <T> T parse(String member, T annotated, String expected, Function<String, T> parser) {
        Optional<String[]> found = configured(member);
        if (found.isEmpty()) {
            return annotated;
        }
        try {
            return parser.apply(found.get()[0]);
        } catch (IllegalArgumentException e) {
            problems.add("Invalid @" + annotation + "." + member + " on " + where + ": must be " + expected
                    + ", was '" + found.get()[0] + "' (from config " + found.get()[1] + ")");
            unparsable = true;
            return annotated;
        }
    }

    /** Reports {@code value} of {@code member} as invalid; always {@code false}. */
    boolean invalid(String member, String reason, Object value) {
        String source = configured(member).map(found -> " (from config " + found[1] + ")").orElse("");
        problems.add("Invalid @" + annotation + "." + member + " on " + where + ": " + reason + ", was " + value
                + source);
        return false;
    }

    /** {@code amount × unit} in milliseconds; {@link Long#MAX_VALUE} on overflow, -1 for units below 1 ms. */
    static long toMillis(long amount, ChronoUnit unit) {
        long unitMillis = unit.getDuration().toMillis();
        if (unitMillis == 0) {
            return -1;
        }
        if (amount > Long.MAX_VALUE / unitMillis) {
            return Long.MAX_VALUE;
        }
        return amount * unitMillis;
    }
}
