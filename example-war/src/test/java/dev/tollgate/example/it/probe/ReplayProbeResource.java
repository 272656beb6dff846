package dev.tollgate.example.it.probe;

import dev.tollgate.Idempotent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only idempotent endpoints for what a replay contains: which headers, a body over the size cap, a stored
 * failure and a released one. Each counts its runs, so a test can tell a replay from a second run.
 */
@Path("probe/replay")
@RequestScoped
public class ReplayProbeResource {

    static final AtomicInteger RUNS = new AtomicInteger();

    /** A declined payment: a failure the method's {@code storeFailures} keeps and replays. */
    public static class Declined extends WebApplicationException {
        private static final long serialVersionUID = 1L;

        public Declined(int run) {
            super(Response.status(402).type(MediaType.TEXT_PLAIN).entity("declined in run " + run).build());
        }
    }

    @POST
    @Path("headers")
    @Idempotent
    @Produces(MediaType.TEXT_PLAIN)
    public Response headers() {
        int run = RUNS.incrementAndGet();
        return Response.ok("run " + run)
                .header("ETag", "\"v" + run + "\"")
                .header("X-Internal", "run " + run)
                .cookie(new NewCookie.Builder("session").value("secret-" + run).build())
                .build();
    }

    @POST
    @Path("big")
    @Idempotent
    @Produces(MediaType.TEXT_PLAIN)
    public String big(@QueryParam("size") int size) {
        RUNS.incrementAndGet();
        return "x".repeat(size);
    }

    @POST
    @Path("declined")
    @Idempotent(storeFailures = Declined.class)
    @Produces(MediaType.TEXT_PLAIN)
    public String declined() {
        throw new Declined(RUNS.incrementAndGet());
    }

    @POST
    @Path("broken")
    @Idempotent
    @Produces(MediaType.TEXT_PLAIN)
    public String broken() {
        RUNS.incrementAndGet();
        throw new IllegalStateException("broken");
    }

    @POST
    @Path("keyless")
    @Idempotent(keyRequired = false)
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String keyless(String body) {
        return "run " + RUNS.incrementAndGet() + " of " + body;
    }

    @GET
    @Path("runs")
    @Produces(MediaType.TEXT_PLAIN)
    public int runs() {
        return RUNS.get();
    }
}
