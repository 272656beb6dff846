package dev.tollgate.example.it.probe;

import dev.tollgate.IdempotencyKey;
import dev.tollgate.Idempotent;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;

import java.util.concurrent.atomic.AtomicInteger;

/** An idempotent EJB method in a container-managed transaction that the caller may have rolled back. */
@Stateless
public class RollbackProbe {

    static final AtomicInteger RUNS = new AtomicInteger();

    @Resource
    SessionContext context;

    @Idempotent
    public String run(@IdempotencyKey String key, boolean rollback) {
        int run = RUNS.incrementAndGet();
        if (rollback) {
            context.setRollbackOnly();
        }
        return "run " + run;
    }
}
