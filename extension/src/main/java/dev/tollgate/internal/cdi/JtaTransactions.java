package dev.tollgate.internal.cdi;

import dev.tollgate.internal.idempotency.Transactions;
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
final class JtaTransactions implements Transactions {

    private static final String REGISTRY = "java:comp/TransactionSynchronizationRegistry";

    private final TransactionSynchronizationRegistry registry;

    private JtaTransactions(TransactionSynchronizationRegistry registry) {
        this.registry = registry;
    }

    /** The server's registry, or {@link Transactions#NONE} outside a Jakarta EE server. */
    static Transactions lookup() {
        try {
            return new JtaTransactions((TransactionSynchronizationRegistry) new InitialContext().lookup(REGISTRY));
        } catch (NamingException | RuntimeException | LinkageError e) {
            return Transactions.NONE;
        }
    }

    @Override
    public boolean afterCompletion(Consumer<Boolean> afterCompletion) {
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
