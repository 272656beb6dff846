package dev.tollgate.internal.partition;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionHashTest {

    @Test
    void isTheSourceAndTheFirst128BitsOfSha256InBase64Url() throws Exception {
        for (String value : new String[] {"", "alice", "ümlaut and € and 日本", "x".repeat(10_000)}) {
            byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            String expected = "p:" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha256, 16));
            assertThat(PartitionHash.of("p", value)).isEqualTo(expected);
        }
    }

    @Test
    void sameValueSamePartitionDifferentValuesDifferentPartitions() {
        Set<String> partitions = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            partitions.add(PartitionHash.of("h", "caller-" + i));
        }
        assertThat(partitions).hasSize(100_000);
        assertThat(PartitionHash.of("h", "caller-7")).isEqualTo(PartitionHash.of("h", "caller-7"));
    }

    @Test
    void sourcesNeverShareAPartition() {
        assertThat(PartitionHash.of("p", "alice")).startsWith("p:").isNotEqualTo(PartitionHash.of("h", "alice"));
        assertThat(PartitionHash.of("h", "alice")).startsWith("h:");
    }

    @Test
    void neverCollidesWithTheUnknownOrSharedPartition() {
        String hashed = PartitionHash.of("r", PartitionKey.UNKNOWN);
        assertThat(hashed).isNotEqualTo(PartitionKey.UNKNOWN).contains(":");
        assertThat(PartitionKey.UNKNOWN).doesNotContain(":");
        assertThat(PartitionHash.of("r", "")).isNotEmpty();
    }

    @Test
    void aMegabyteOfAnythingBecomesAShortBraceFreePartition() {
        String huge = "{}".repeat(512 * 1024) + "\uD800}\n";
        String partition = PartitionHash.of("h", huge);
        assertThat(partition).hasSize(2 + PartitionHash.HASH_LENGTH).doesNotContain("{", "}")
                .matches("h:[A-Za-z0-9_-]{22}");
    }

    @Test
    void anUnpairedSurrogateIsNotTheSameAsAQuestionMark() {
        // String.getBytes(UTF_8) encodes both as '?'
        assertThat(PartitionHash.of("a", "x\uD800y")).isNotEqualTo(PartitionHash.of("a", "x?y"));
        assertThat(PartitionHash.of("a", "x\uDC00y")).isNotEqualTo(PartitionHash.of("a", "x\uD800y"));
    }

    @Test
    void valuesAcrossTheBufferBoundaryHashLikeUtf8() throws Exception {
        // three-byte characters that straddle the 512-byte buffer used to feed the digest
        for (int length = 160; length < 180; length++) {
            String value = "a" + "€".repeat(length);
            byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            assertThat(PartitionHash.of("a", value)).isEqualTo(
                    "a:" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha256, 16)));
        }
    }
}
