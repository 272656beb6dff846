package dev.tollgate.internal.redis;

import dev.tollgate.internal.idempotency.ClaimOutcome;
import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.idempotency.IdempotencyStoreContract;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisClusterProcesses;
import dev.tollgate.testing.RedisInspector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idempotency store contract on a real three-master Redis Cluster, connected through the example
 * {@code cluster.yaml}. Every record is one hash whose key is its own hash tag, so each script touches one key of one
 * slot: once the suite has run, no node has answered {@code CROSSSLOT}.
 */
class ClusterIdempotencyStoreContractTest extends IdempotencyStoreContract {

    private static RedisClusterProcesses cluster;
    private static Path clientDir;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void start() {
        cluster = RedisClusterProcesses.start(RedisBinary.EMBEDDED_6_2, 0, 5000);
        clientDir = ClusterConnections.newDirectory();
        store = RedisIdempotencyStore.connect(ClusterConnections.settings(cluster, clientDir));
    }

    @AfterAll
    static void stop() {
        ClusterConnections.stop("Cluster idempotency contract", store, cluster, clientDir);
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }

    @Test
    void eachRecordIsOneKeyInTheSlotOfItsIdempotencyKeySpreadOverTheMasters() {
        Set<RedisClusterProcesses.Node> holders = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String key = freshKey();
            String owner = newOwner();
            assertThat(store.claim(key, "fp", owner, 60_000)).isEqualTo(ClaimOutcome.claimed());
            assertThat(store.complete(key, owner, bytes("done"), 60_000)).isTrue();

            String recordKey = store.recordKey(key);
            int slot = RedisRateLimitBackend.slot(key);
            assertThat(ClusterConnections.keySlot(cluster, recordKey)).as("the idempotency key is the hash tag")
                    .isEqualTo(slot);
            RedisClusterProcesses.Node owner0 = cluster.ownerOf(slot, cluster.masters().get(0));
            List<String> keysOfRecord = keysContaining(key);
            assertThat(keysOfRecord).as("one key per record").containsExactly(recordKey);
            assertThat(owner0.call("EXISTS", recordKey)).as("on the master of its slot").isEqualTo(1L);
            holders.add(owner0);
        }
        assertThat(holders).as("30 records fall on every master").hasSize(RedisClusterProcesses.MASTERS);
    }

    /** Every key of every master that names {@code key} ({@code SCAN MATCH}). */
    private static List<String> keysContaining(String key) {
        List<String> found = new ArrayList<>();
        for (RedisClusterProcesses.Node master : cluster.masters()) {
            try (RedisInspector inspector = master.inspector()) {
                for (String k : inspector.keys()) {
                    if (k.contains("{" + key + "}")) {
                        found.add(k);
                    }
                }
            }
        }
        return found;
    }
}
