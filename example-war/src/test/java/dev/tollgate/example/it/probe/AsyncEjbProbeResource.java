package dev.tollgate.example.it.probe;

import dev.tollgate.RateLimitExceededException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test-only: calls {@link AsyncWorker}'s {@code @Asynchronous} methods and answers with what their futures yield:
 * {@code 200} and the value, or, when a future fails, {@code 429} if its {@link ExecutionException}'s cause is the
 * {@link RateLimitExceededException} (as EJB delivers an application exception of an asynchronous method), else
 * {@code 500}. Either way the body names the cause's class.
 */
@Path("probe/async-ejb")
@RequestScoped
public class AsyncEjbProbeResource {

    @Inject
    AsyncWorker worker;

    @Inject
    AsyncRuns runs;

    @GET
    @Path("limited")
    @Produces(MediaType.TEXT_PLAIN)
    public Response limited(@QueryParam("round") String round) throws InterruptedException {
        return answer(worker.limited(round));
    }

    @GET
    @Path("per-caller")
    @Produces(MediaType.TEXT_PLAIN)
    public Response perCaller() throws InterruptedException {
        return answer(worker.perCaller());
    }

    @POST
    @Path("once")
    @Produces(MediaType.TEXT_PLAIN)
    public Response once(@QueryParam("key") String key) throws InterruptedException {
        return answer(worker.once(key));
    }

    @GET
    @Path("runs")
    @Produces(MediaType.TEXT_PLAIN)
    public int runs(@QueryParam("of") String of) {
        return runs.count(of);
    }

    private static Response answer(Future<String> future) throws InterruptedException {
        try {
            return Response.ok(future.get(60, TimeUnit.SECONDS)).build();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RateLimitExceededException refused) {
                return Response.status(429).entity("ExecutionException caused by " + cause.getClass().getName()
                        + " from " + refused.limiter() + ", retry after " + refused.retryAfter()).build();
            }
            return Response.serverError().entity("ExecutionException caused by " + cause).build();
        } catch (TimeoutException e) {
            return Response.serverError().entity("no value within 60 s").build();
        }
    }
}
