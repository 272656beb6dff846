package dev.tollgate.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Checks a property for many generated inputs inside one plain JUnit test.
 *
 * <p>Inputs come from a seeded {@link Random}, so a run repeats exactly and a failure is never flaky. The failure
 * names the input, the try and the seed; with {@link #checkShrinking}, a failing text (or list of texts) is first
 * shrunk by deleting characters while the property still fails. {@code -Dtollgate.property.tries=} and
 * {@code -Dtollgate.property.seed=} explore further.
 */
public final class ForAll {

    /** Inputs per property. */
    public static final int TRIES = Integer.getInteger("tollgate.property.tries", 1000);

    private static final long SEED = Long.getLong("tollgate.property.seed", 20_261_202L);
    private static final int SHRINK_STEPS = 5_000;

    private ForAll() {
    }

    /** Checks {@code property} for {@link #TRIES} inputs from {@code generator}. */
    public static <T> void check(Function<Random, T> generator, Consumer<T> property) {
        check(generator, property, false);
    }

    /**
     * Checks {@code property} for {@link #TRIES} texts (or lists of texts) from {@code generator}, and shrinks a
     * failing one: for properties that hold for any text, so that any smaller text is a fair input too.
     */
    public static <T> void checkShrinking(Function<Random, T> generator, Consumer<T> property) {
        check(generator, property, true);
    }

    private static <T> void check(Function<Random, T> generator, Consumer<T> property, boolean shrinking) {
        Random random = new Random(SEED);
        for (int t = 1; t <= TRIES; t++) {
            T input = generator.apply(random);
            Throwable failure = failure(property, input);
            if (failure != null) {
                T smallest = shrinking ? shrink(input, property) : input;
                Throwable smallestFailure = failure(property, smallest);
                throw new AssertionError("property failed on try " + t + " of " + TRIES + " (seed " + SEED
                        + ") for input " + show(smallest)
                        + (smallest.equals(input) ? "" : ", shrunk from " + show(input)),
                        smallestFailure != null ? smallestFailure : failure);
            }
        }
    }

    private static <T> Throwable failure(Consumer<T> property, T input) {
        try {
            property.accept(input);
            return null;
        } catch (Throwable failure) {
            return failure;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T shrink(T input, Consumer<T> property) {
        if (input instanceof String text) {
            return (T) shrinkText(text, candidate -> failure(property, (T) candidate) != null);
        }
        if (input instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            List<String> texts = new ArrayList<>((List<String>) list);
            int[] steps = {0};
            // drop whole elements, then shrink each one
            for (int i = texts.size() - 1; i >= 0 && steps[0]++ < SHRINK_STEPS; i--) {
                List<String> fewer = new ArrayList<>(texts);
                fewer.remove(i);
                if (failure(property, (T) fewer) != null) {
                    texts = fewer;
                }
            }
            for (int i = 0; i < texts.size(); i++) {
                int element = i;
                List<String> current = texts;
                String smaller = shrinkText(current.get(i), candidate -> {
                    List<String> changed = new ArrayList<>(current);
                    changed.set(element, candidate);
                    return failure(property, (T) changed) != null;
                });
                texts.set(i, smaller);
            }
            return (T) texts;
        }
        return input;
    }

    /** Deletes ever smaller chunks while the text still fails. */
    private static String shrinkText(String text, Predicate<String> fails) {
        int steps = 0;
        for (int chunk = Math.max(1, text.length() / 2); chunk >= 1; chunk = chunk == 1 ? 0 : chunk / 2) {
            for (int at = 0; at + chunk <= text.length() && steps < SHRINK_STEPS; steps++) {
                String candidate = text.substring(0, at) + text.substring(at + chunk);
                if (fails.test(candidate)) {
                    text = candidate;
                } else {
                    at++;
                }
            }
        }
        return text;
    }

    /** Java-escaped, and cut to its ends when long. */
    public static String show(Object input) {
        if (input instanceof List<?> list) {
            List<String> shown = new ArrayList<>();
            for (Object element : list) {
                shown.add(show(element));
            }
            return shown.toString();
        }
        if (!(input instanceof String text)) {
            return String.valueOf(input);
        }
        if (text.length() > 400) {
            return escaped(text.substring(0, 200)) + "..." + escaped(text.substring(text.length() - 200)) + " ("
                    + text.length() + " characters)";
        }
        return escaped(text);
    }

    private static String escaped(String text) {
        StringBuilder shown = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                shown.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                shown.append(c);
            } else {
                shown.append(String.format("\\u%04x", (int) c));
            }
        }
        return shown.append('"').toString();
    }
}
