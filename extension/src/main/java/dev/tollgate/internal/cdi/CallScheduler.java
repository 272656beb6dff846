package dev.tollgate.internal.cdi;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Where calls that wait for a permit without a thread are decided again and then run: the server's default managed
 * scheduled executor (Jakarta Concurrency), which runs tasks with the application's class loader, naming and
 * security context, as a method needs them; outside a server, one daemon thread of Tollgate's own.
 *
 * <p>Looked up on first use rather than at deployment: {@code java:comp} names resolve only on a thread of the
 * application, which the first waiting call's thread is.
 */
final class CallScheduler implements Supplier<ScheduledExecutorService>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CallScheduler.class.getName());
    private static final String MANAGED = "java:comp/DefaultManagedScheduledExecutorService";

    private ScheduledExecutorService executor;
    private ScheduledThreadPoolExecutor own;
    private boolean closed;

    @Override
    public synchronized ScheduledExecutorService get() {
        if (closed) {
            throw new IllegalStateException("Tollgate is stopping: the application is being undeployed");
        }
        if (executor == null) {
            executor = managed();
            if (executor == null) {
                own = new ScheduledThreadPoolExecutor(1, task -> {
                    Thread thread = new Thread(task, "tollgate-waiting-calls");
                    thread.setDaemon(true);
                    return thread;
                });
                own.setRemoveOnCancelPolicy(true);
                executor = own;
                LOG.fine("Tollgate: no managed scheduled executor; waiting calls run on Tollgate's own thread");
            }
        }
        return executor;
    }

    private static ScheduledExecutorService managed() {
        try {
            return (ScheduledExecutorService) new InitialContext().lookup(MANAGED);
        } catch (NamingException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (own != null) {
            own.shutdownNow();
        }
    }
}
