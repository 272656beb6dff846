package dev.tollgate.internal.idempotency;

import dev.tollgate.internal.RandomText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static dev.tollgate.internal.ForAll.check;
import static dev.tollgate.internal.ForAll.checkShrinking;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link IdempotencyKeyHeader}: whatever a caller sends is a key or an {@link InvalidIdempotencyKeyException}, and
 * exactly the documented texts are keys: 1 to 255 visible ASCII characters, bare or as a structured-field string.
 */
class IdempotencyKeyHeaderProperties {

    /** RFC 9651 sf-string: printable ASCII but {@code "} and {@code \}, or those two escaped. */
    private static final Pattern SF_STRING = Pattern.compile("\"(?:[\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\"\\\\])*\"");
    /** A bare key: visible ASCII; a value that starts with a quote is a quoted string, and never bare. */
    private static final Pattern BARE = Pattern.compile("[\\x21\\x23-\\x7e][\\x21-\\x7e]*");

    private static final String QUOTING_ALPHABET = "\"\\ a~\t\u007f\u00e9";

    @Test
    void anyHeaderGivesAKeyOrTheDocumentedException() {
        checkShrinking(random -> {
            List<String> values = new ArrayList<>();
            for (int v = random.nextInt(10) == 0 ? 2 : 1; v > 0; v--) {
                values.add(random.nextBoolean() ? RandomText.arbitrary(random) : nearMiss(random));
            }
            return values;
        }, values -> {
            String key;
            try {
                key = IdempotencyKeyHeader.parse(values);
            } catch (InvalidIdempotencyKeyException refused) {
                assertThat(refused.getMessage()).startsWith("the Idempotency-Key header ");
                return;
            } catch (RuntimeException other) {
                fail("threw " + other + " for " + values, other);
                return;
            }
            assertThat(values).hasSize(1);
            assertThat(key).hasSizeBetween(1, IdempotencyKeyHeader.MAX_LENGTH).matches("[\\x20-\\x7e]+");
        });
    }

    @Test
    void aValueIsAKeyExactlyWhenItIsABareKeyOrAStructuredFieldString() {
        checkShrinking(random -> random.nextInt(4) == 0 ? RandomText.arbitrary(random) : nearMiss(random), value -> {
            String expected = BARE.matcher(value).matches() ? value
                    : SF_STRING.matcher(value).matches() ? unquote(value) : null;
            if (expected != null && !expected.isEmpty() && expected.length() <= IdempotencyKeyHeader.MAX_LENGTH) {
                assertThat(IdempotencyKeyHeader.parse(List.of(value))).isEqualTo(expected);
            } else {
                assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of(value)))
                        .isInstanceOf(InvalidIdempotencyKeyException.class);
            }
        });
    }

    @Test
    void aKeyQuotedAsAStructuredFieldStringReadsBackAsItself() {
        check(IdempotencyKeyHeaderProperties::key, key -> {
            assertThat(IdempotencyKeyHeader.parse(List.of(quote(key)))).isEqualTo(key);
            if (BARE.matcher(key).matches()) {
                assertThat(IdempotencyKeyHeader.parse(List.of(key))).isEqualTo(key);
            }
        });
    }

    @Test
    void aKeyOfMoreThan255CharactersIsRefusedQuotedOrNot() {
        check(random -> {
            StringBuilder key = new StringBuilder(key(random));
            while (key.length() <= IdempotencyKeyHeader.MAX_LENGTH) {
                key.append(key(random));
            }
            return key.toString();
        }, key -> {
            String length = "at most 255 characters, was " + key.length();
            assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of(quote(key)))).hasMessageContaining(length);
            if (BARE.matcher(key).matches()) {
                assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of(key))).hasMessageContaining(length);
            }
        });
    }

    /** 1 to 255 characters a key may hold: printable ASCII, often with quotes, backslashes and spaces. */
    private static String key(Random random) {
        String alphabet = random.nextBoolean() ? "ab-_.~\"\\ 09" : null;
        StringBuilder key = new StringBuilder();
        int length = 1 + random.nextInt(random.nextBoolean() ? 40 : IdempotencyKeyHeader.MAX_LENGTH);
        for (int i = 0; i < length; i++) {
            key.append(alphabet != null ? alphabet.charAt(random.nextInt(alphabet.length()))
                    : (char) (0x20 + random.nextInt(0x5f)));
        }
        return key.toString();
    }

    private static String nearMiss(Random random) {
        String key = key(random);
        return RandomText.nearMiss(random, random.nextBoolean() ? quote(key) : key, QUOTING_ALPHABET);
    }

    private static String quote(String key) {
        return "\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String unquote(String quoted) {
        return quoted.substring(1, quoted.length() - 1).replaceAll("\\\\([\"\\\\])", "$1");
    }
}
