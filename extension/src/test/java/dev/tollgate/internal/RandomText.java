package dev.tollgate.internal;

import java.util.List;
import java.util.Random;

/** Text a caller could send: anything at all, and near misses made by editing text that is valid. */
public final class RandomText {

    /** Characters that other parsers, or Unicode, treat as digits, separators or space; none is ASCII. */
    private static final String LOOKALIKES = "\u00e9\u00fc\u00a0\u2028\u2029\u200b\ufeff\uff0c\uff1a\uff0e"
            + "\uff10\uff11\u0661\u0662\u06f1\u0966\u2024\u3002\ufe55\u212a\u0130\u0131\ud83d\ude00\ud800\udc00";

    private RandomText() {
    }

    /**
     * Any text: random UTF-16 units (unpaired surrogates included), ASCII with control characters, white space,
     * non-ASCII look-alikes, or very long text.
     */
    public static String arbitrary(Random random) {
        switch (random.nextInt(7)) {
            case 0:
                return chars(random, random.nextInt(40), () -> (char) random.nextInt(0x10000));
            case 1:
                return chars(random, random.nextInt(40), () -> (char) random.nextInt(0x80));
            case 2:
                return chars(random, random.nextInt(60), () -> (char) (0x20 + random.nextInt(0x5f)));
            case 3:
                return over(random, " \t\r\n\u000b\f\u0000\u0001\u001c\u001f\u007f\u0085,;=\"\\", 30);
            case 4:
                return over(random, LOOKALIKES + "0123456789abcdef.:[]", 30);
            case 5:
                // long: a repeated piece or a random run, up to 20,000 characters
                String piece = over(random, "0123456789abcdef.:,;=\"[]_ ", 1 + random.nextInt(8));
                return random.nextBoolean() && !piece.isEmpty()
                        ? piece.repeat(1 + random.nextInt(20_000 / piece.length()))
                        : chars(random, random.nextInt(20_000), () -> (char) (0x20 + random.nextInt(0x5f)));
            default:
                return "";
        }
    }

    /** Up to {@code maxLength} characters of {@code alphabet}. */
    public static String over(Random random, String alphabet, int maxLength) {
        return chars(random, random.nextInt(maxLength + 1), () -> alphabet.charAt(random.nextInt(alphabet.length())));
    }

    /** {@code text} after one to three edits: a character inserted, deleted, replaced, or a piece doubled. */
    public static String nearMiss(Random random, String text, String alphabet) {
        StringBuilder edited = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(edited.length() + 1);
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            switch (random.nextInt(4)) {
                case 0 -> edited.insert(at, c);
                case 1 -> {
                    if (at < edited.length()) {
                        edited.deleteCharAt(at);
                    }
                }
                case 2 -> {
                    if (at < edited.length()) {
                        edited.setCharAt(at, c);
                    }
                }
                default -> {
                    int end = at + random.nextInt(edited.length() - at + 1);
                    edited.insert(end, edited.substring(at, end));
                }
            }
        }
        return edited.toString();
    }

    /** One of {@code options}. */
    @SafeVarargs
    public static <T> T oneOf(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }

    public static <T> T oneOf(Random random, List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** {@code text} with each ASCII letter in a random case. */
    public static String anyCase(Random random, String text) {
        StringBuilder mixed = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            mixed.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return mixed.toString();
    }

    private static String chars(Random random, int length, java.util.function.Supplier<Character> next) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(next.get());
        }
        return text.toString();
    }
}
