package dev.tollgate.example.it.probe;

import dev.tollgate.Idempotent;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Test-only idempotent JAX-RS resources whose response is produced on a thread of the server's managed executor,
 * after the resource method returned: through a {@code CompletionStage} or a {@code @Suspended AsyncResponse}.
 * Every run is counted in {@link AsyncRuns} under {@code <probe>/<Idempotency-Key>}, and every answer carries a
 * token of its own, so that a second run can never pass for a replay.
 */
@Path("probe/async-idempotency")
@RequestScoped
public class AsyncIdempotencyProbeResource {

    /** How long the work takes: long enough for simultaneous duplicates to find it running. */
    static final long WORK_MILLIS = 300;
    /** Longer than the lease the test deployment configures: the lease must be renewed until the stage completes. */
    public static final long SLOW_WORK_MILLIS = 4000;
    static final String KEY = "Idempotency-Key";

    /** A declined payment: a failure the method's {@code storeFailures} keeps and replays. */
    public static class Declined extends WebApplicationException {
        private static final long serialVersionUID = 1L;

        public Declined(String answer) {
            super(Response.status(402).type(MediaType.TEXT_PLAIN).entity(answer).build());
        }
    }

    @Resource
    ManagedExecutorService executor;

    @Inject
    AsyncRuns runs;

    @POST
    @Path("stage")
    @Idempotent
    @Produces(MediaType.TEXT_PLAIN)
    public CompletionStage<Response> stage(@HeaderParam(KEY) String key) {
        return CompletableFuture.supplyAsync(() -> {
            pause(WORK_MILLIS);
            return Response.ok(ran("stage", key)).build();
        }, executor);
    }

    @POST
    @Path("suspended")
    @Idempotent
    @Produces(MediaType.TEXT_PLAIN)
    public void suspended(@HeaderParam(KEY) String key, @Suspended AsyncResponse response) {
        executor.execute(() -> {
            pause(WORK_MILLIS);
            response.resume(Response.ok(ran("suspended", key)).build());
        });
    }

    /**
     * Counts its run when it starts, then works {@value #SLOW_WORK_MILLIS} ms; a duplicate waits for it (up to 10 s)
     * rather than being refused.
     */
    @POST
    @Path("stage-slow")
    @Idempotent(maxWait = 10, maxWaitUnit = ChronoUnit.SECONDS)
    @Produces(MediaType.TEXT_PLAIN)
    public CompletionStage<Response> stageSlow(@HeaderParam(KEY) String key) {
        return CompletableFuture.supplyAsync(() -> {
            String answer = ran("stage-slow", key);
            pause(SLOW_WORK_MILLIS);
            return Response.ok(answer).build();
        }, executor);
    }

    /** Its first run per key fails the stage (a 500); later runs answer. */
    @POST
    @Path("stage-failing-once")
    @Idempotent
    @Produces(MediaType.TEXT_PLAIN)
    public CompletionStage<Response> stageFailingOnce(@HeaderParam(KEY) String key) {
        return CompletableFuture.supplyAsync(() -> {
            String answer = ran("stage-failing-once", key);
            if (answer.startsWith("stage-failing-once run 1 ")) {
                throw new IllegalStateException("the first run fails: " + answer);
            }
            return Response.ok(answer).build();
        }, executor);
    }

    /** Its first run per key resumes the response with a failure (a 503); later runs answer. */
    @POST
    @Path("suspended-failing-once")
    @Idempotent
    @Produces(MediaType.TEXT_PLAIN)
    public void suspendedFailingOnce(@HeaderParam(KEY) String key, @Suspended AsyncResponse response) {
        executor.execute(() -> {
            String answer = ran("suspended-failing-once", key);
            if (answer.startsWith("suspended-failing-once run 1 ")) {
                response.resume(new WebApplicationException(answer, 503));
            } else {
                response.resume(Response.ok(answer).build());
            }
        });
    }

    /**
     * Its first run per key outlasts the response's 500 ms timeout, which JAX-RS answers with a 503 (no timeout
     * handler); later runs answer at once.
     */
    @POST
    @Path("suspended-timing-out-once")
    @Idempotent
    @Produces(MediaType.TEXT_PLAIN)
    public void suspendedTimingOutOnce(@HeaderParam(KEY) String key, @Suspended AsyncResponse response) {
        response.setTimeout(500, TimeUnit.MILLISECONDS);
        executor.execute(() -> {
            String answer = ran("suspended-timing-out-once", key);
            if (answer.startsWith("suspended-timing-out-once run 1 ")) {
                pause(1500);
            }
            response.resume(Response.ok(answer).build());
        });
    }

    /** Every run fails the stage with a failure the method stores: the 402 is replayed, never run again. */
    @POST
    @Path("stage-declined")
    @Idempotent(storeFailures = Declined.class)
    @Produces(MediaType.TEXT_PLAIN)
    public CompletionStage<Response> stageDeclined(@HeaderParam(KEY) String key) {
        return CompletableFuture.supplyAsync(() -> {
            throw new Declined(ran("stage-declined", key));
        }, executor);
    }

    /** How many times {@code of} ({@code <probe>/<key>}) ran. */
    @GET
    @Path("runs")
    @Produces(MediaType.TEXT_PLAIN)
    public int runs(@QueryParam("of") String of) {
        return runs.count(of);
    }

    /** Counts a run; the answer names the run and carries a token no other run has. */
    private String ran(String probe, String key) {
        int run = runs.next(probe + "/" + key);
        return probe + " run " + run + " for " + key + " on " + Thread.currentThread().getName() + ", token "
                + UUID.randomUUID();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
