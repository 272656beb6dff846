package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.Call;

/** {@code ""}: one partition for all callers. */
record SharedKey() implements PartitionKey {

    @Override
    public String resolve(Call call) {
        return "";
    }
}
