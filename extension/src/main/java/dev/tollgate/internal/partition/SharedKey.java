package dev.tollgate.internal.partition;

import jakarta.interceptor.InvocationContext;

/** {@code ""}: one partition for all callers. */
record SharedKey() implements PartitionKey {

    @Override
    public String resolve(InvocationContext invocation, CallContext call) {
        return "";
    }
}
