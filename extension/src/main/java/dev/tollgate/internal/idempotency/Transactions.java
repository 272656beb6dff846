package dev.tollgate.internal.idempotency;

import java.util.function.Consumer;

/**
 * The transaction a call runs in, if any: a result is stored only once the transaction that produced it committed,
 * and a rollback releases the key. The container's implementation lives with the interceptors; outside a Jakarta
 * EE server nothing runs in a transaction ({@link #NONE}).
 */
@FunctionalInterface
public interface Transactions {

    /** No transactions: every call's result is final when the call ends. */
    Transactions NONE = afterCompletion -> false;

    /**
     * If a transaction is active on this thread, arranges for {@code afterCompletion} to get {@code true} after it
     * commits and {@code false} after it rolls back (possibly at once, when it can only roll back), and returns
     * {@code true}; otherwise returns {@code false}.
     */
    boolean afterCompletion(Consumer<Boolean> afterCompletion);
}
