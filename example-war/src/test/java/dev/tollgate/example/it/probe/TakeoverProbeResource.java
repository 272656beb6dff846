package dev.tollgate.example.it.probe;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tollgate.Idempotent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Test-only: an idempotent call that an instance can be made to stay inside (so that the test can kill the instance
 * while it holds the call's claim), and which says which instance ran it. Everything here is per instance (per JVM).
 */
@Path("probe/takeover")
@RequestScoped
public class TakeoverProbeResource {

    static final AtomicInteger RUNS = new AtomicInteger();
    static volatile boolean holding;

    /**
     * Runs once per idempotency key; on an instance told to {@link #hold()}, stays inside for up to five minutes
     * first. The answer names the run and the instance's process.
     */
    @POST
    @Path("work")
    @Idempotent
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String work(String body) throws InterruptedException {
        int run = RUNS.incrementAndGet();
        if (holding) {
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
        return "run " + run + " on instance " + ProcessHandle.current().pid() + " of " + body;
    }

    /** From now on, {@link #work} stays inside on this instance. */
    @POST
    @Path("hold")
    public void hold() {
        holding = true;
    }

    /** How many times {@link #work} started on this instance. */
    @GET
    @Path("runs")
    @Produces(MediaType.TEXT_PLAIN)
    public int runs() {
        return RUNS.get();
    }

    /** The process id of this instance's JVM. */
    @GET
    @Path("instance")
    @Produces(MediaType.TEXT_PLAIN)
    public long instance() {
        return ProcessHandle.current().pid();
    }
}
