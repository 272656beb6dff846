package dev.tollgate.internal.idempotency;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyKeyHeaderTest {

    @Test
    void noHeaderIsNoKey() {
        assertThat(IdempotencyKeyHeader.parse(null)).isNull();
        assertThat(IdempotencyKeyHeader.parse(List.of())).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8e03978e-40d5-43e8-bc93-6894a57f9324", "a", "!#$%&'*+-.^_`|~:/?@[]{}()<>=;,\\\""})
    void bareVisibleAsciiIsTheKey(String key) {
        assertThat(IdempotencyKeyHeader.parse(List.of(key))).isEqualTo(key);
    }

    @Test
    void aQuotedStructuredFieldStringIsUnquotedAndUnescaped() {
        assertThat(IdempotencyKeyHeader.parse(List.of("\"8e03978e-40d5\""))).isEqualTo("8e03978e-40d5");
        assertThat(IdempotencyKeyHeader.parse(List.of("\"with space and \\\"quote\\\" and \\\\\"")))
                .isEqualTo("with space and \"quote\" and \\");
    }

    @Test
    void upTo255CharactersAreAKeyAnd256AreNot() {
        assertThat(IdempotencyKeyHeader.parse(List.of("k".repeat(255)))).hasSize(255);
        assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of("k".repeat(256))))
                .isInstanceOf(InvalidIdempotencyKeyException.class)
                .hasMessageContaining("at most 255 characters, was 256");
        assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of("\"" + "k".repeat(256) + "\"")))
                .hasMessageContaining("was 256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\"\""})
    void anEmptyKeyIsRefused(String value) {
        assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of(value)))
                .isInstanceOf(InvalidIdempotencyKeyException.class).hasMessageContaining("must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tab\there", "bell\u0007", "del\u007f", "caf\u00e9", "sp ace", "nul\u0000"})
    void controlSpaceAndNonAsciiCharactersAreRefused(String value) {
        assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of(value)))
                .isInstanceOf(InvalidIdempotencyKeyException.class)
                .hasMessageContaining("visible ASCII");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"unterminated", "\"bad \\n escape\"", "\"inner \" quote\"", "\"tab\there\""})
    void malformedQuotedStringsAreRefused(String value) {
        assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of(value)))
                .isInstanceOf(InvalidIdempotencyKeyException.class);
    }

    @Test
    void aLoneQuoteStartsAQuotedStringThatDoesNotEnd() {
        // was accepted as the bare key "\"" while "\"a" was refused (found by IdempotencyKeyHeaderProperties)
        assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of("\"")))
                .isInstanceOf(InvalidIdempotencyKeyException.class)
                .hasMessageContaining("starts a quoted string but does not end it");
        assertThat(IdempotencyKeyHeader.parse(List.of("\"\\\"\""))).isEqualTo("\"");
    }

    @Test
    void aHeaderSentTwiceIsRefused() {
        assertThatThrownBy(() -> IdempotencyKeyHeader.parse(List.of("a", "b")))
                .isInstanceOf(InvalidIdempotencyKeyException.class).hasMessageContaining("sent 2 times");
    }
}
