package dev.tollgate.example.it.probe;

import dev.tollgate.Idempotent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only endpoints around idempotency: a call that holds until the test opens a gate (for the in-progress
 * conflict), and a call into {@link RollbackProbe}, an EJB whose transaction the test can roll back.
 */
@Path("probe/idempotency")
@RequestScoped
public class IdempotencyProbeResource {

    static final AtomicInteger SLOW_RUNS = new AtomicInteger();
    static volatile CountDownLatch gate = new CountDownLatch(0);

    @Inject
    RollbackProbe rollbackProbe;

    @POST
    @Path("slow")
    @Idempotent
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String slow(String body) throws InterruptedException {
        int run = SLOW_RUNS.incrementAndGet();
        gate.await(20, TimeUnit.SECONDS);
        return "slow run " + run + " of " + body;
    }

    @POST
    @Path("gate/close")
    public void closeGate() {
        gate = new CountDownLatch(1);
    }

    @POST
    @Path("gate/open")
    public void openGate() {
        gate.countDown();
    }

    @GET
    @Path("slow/runs")
    @Produces(MediaType.TEXT_PLAIN)
    public int slowRuns() {
        return SLOW_RUNS.get();
    }

    @POST
    @Path("rollback")
    @Produces(MediaType.TEXT_PLAIN)
    public String rollback(@QueryParam("key") String key, @QueryParam("rollback") boolean rollback) {
        return rollbackProbe.run(key, rollback);
    }

    @GET
    @Path("rollback/runs")
    @Produces(MediaType.TEXT_PLAIN)
    public int rollbackRuns() {
        return RollbackProbe.RUNS.get();
    }
}
