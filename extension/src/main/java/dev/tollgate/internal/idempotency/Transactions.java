package dev.tollgate.internal.idempotency;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.function.Consumer;

/**
 * The JTA transaction a call runs in, if any, through the server's {@link TransactionSynchronizationRegistry}
 * (looked up once in JNDI; absent outside a Jakarta EE server, where nothing runs in a transaction).
 */
public final class Transactions {

    private static final String REGISTRY = "java:comp/TransactionSynchronizationRegistry";

    private final TransactionSynchronizationRegistry registry;

    private Transactions(TransactionSynchronizationRegistry registry) {
        this.registry = registry;
    }

    /** The server's registry, or none. */
    public static Transactions lookup() {
        try {
            return new Transactions((TransactionSynchronizationRegistry) new InitialContext().lookup(REGISTRY));
        } catch (NamingException | RuntimeException | LinkageError e) {
            return new Transactions(null);
        }
    }

    /**
     * If a transaction is active on this thread, arranges for {@code afterCompletion} to get {@code true} after it
     * commits and {@code false} after it rolls back, and returns {@code true}; otherwise returns {@code false}.
     */
    public boolean afterCompletion(Consumer<Boolean> afterCompletion) {
        if (registry == null) {
            return false;
        }
        int status;
        try {
            status = registry.getTransactionStatus();
        } catch (RuntimeException e) {
            return false;
        }
        if (status == Status.STATUS_MARKED_ROLLBACK) {
            // It can only roll back (and Narayana refuses synchronizations on it): the outcome is known now.
            afterCompletion.accept(false);
            return true;
        }
        if (status != Status.STATUS_ACTIVE) {
            return false;
        }
        try {
            registry.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int outcome) {
                    afterCompletion.accept(outcome == Status.STATUS_COMMITTED);
                }
            });
        } catch (RuntimeException e) {
            // The transaction is ending in a way that cannot be followed: treat it as rolled back, so that nothing
            // is replayed that may not have happened (a retry runs the method again).
            afterCompletion.accept(false);
        }
        return true;
    }
}
