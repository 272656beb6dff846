package dev.tollgate.example.it.probe;

import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test-only rate-limited JAX-RS resources whose result is a {@code CompletionStage} or goes through a
 * {@code @Suspended AsyncResponse}: each is decided on the request thread, and its work completes on a thread of the
 * server's managed executor. Each answer names both threads. Also a plain resource calling
 * {@link AsyncConcurrencyBean}, a limited Jakarta Concurrency {@code @Asynchronous} method.
 */
@Path("probe/async-limit")
@RequestScoped
public class AsyncRateLimitProbeResource {

    public static final int EXACT_LIMIT = 20;
    public static final int PER_USER_LIMIT = 3;
    public static final int WAIT_WINDOW_SECONDS = 2;
    public static final String ROUND_HEADER = "X-Round";
    public static final String USER_HEADER = "X-User";

    @Resource
    ManagedExecutorService executor;

    @Inject
    AsyncConcurrencyBean concurrency;

    @Inject
    AsyncVisit visit;

    /** 20 an hour per round: nothing refills during a burst. */
    @GET
    @Path("exact")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "async-exact", limit = EXACT_LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            key = "header:" + ROUND_HEADER)
    public CompletionStage<Response> exact() {
        return elsewhere("exact");
    }

    /** One per 2 s (sliding) per round; a refused call waits up to 5 s for its permit. */
    @GET
    @Path("waiting")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "async-waiting", limit = 1, window = WAIT_WINDOW_SECONDS, windowUnit = ChronoUnit.SECONDS,
            algorithm = RateLimit.Algorithm.SLIDING_WINDOW, key = "header:" + ROUND_HEADER,
            maxWait = 5, maxWaitUnit = ChronoUnit.SECONDS)
    public CompletionStage<Response> waiting() {
        visit.use(); // throws outside a request context: the call that waited must still have one
        return elsewhere("waiting");
    }

    /** 3 an hour per {@code X-User}. */
    @GET
    @Path("per-user")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "async-per-user", limit = PER_USER_LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            key = "header:" + USER_HEADER)
    public CompletionStage<Response> perUser(@HeaderParam(USER_HEADER) String user) {
        return elsewhere("per-user for " + user);
    }

    /** 1 an hour per round, answered through a suspended response. */
    @GET
    @Path("suspended")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "async-suspended", limit = 1, window = 1, windowUnit = ChronoUnit.HOURS,
            key = "header:" + ROUND_HEADER)
    public void suspended(@Suspended AsyncResponse response) {
        resumeElsewhere("suspended", response);
    }

    /** Like {@link #waiting()}, answered through a suspended response. */
    @GET
    @Path("suspended-waiting")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "async-suspended-waiting", limit = 1, window = WAIT_WINDOW_SECONDS,
            windowUnit = ChronoUnit.SECONDS, algorithm = RateLimit.Algorithm.SLIDING_WINDOW,
            key = "header:" + ROUND_HEADER, maxWait = 5, maxWaitUnit = ChronoUnit.SECONDS)
    public void suspendedWaiting(@Suspended AsyncResponse response) {
        visit.use(); // throws outside a request context: the call that waited must still have one
        resumeElsewhere("suspended-waiting", response);
    }

    /**
     * One call at once per round, answered through a suspended response {@code holdMillis} later: the permit is held
     * until the response is resumed.
     */
    @GET
    @Path("suspended-one-at-a-time")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "async-suspended-one-at-a-time", limit = 1, algorithm = RateLimit.Algorithm.CONCURRENCY,
            key = "header:" + ROUND_HEADER)
    public void suspendedOneAtATime(@QueryParam("holdMillis") long holdMillis, @Suspended AsyncResponse response) {
        executor.execute(() -> {
            pause(holdMillis);
            response.resume(Response.ok("suspended-one-at-a-time").build());
        });
    }

    /** One call at once per round, whose stage completes {@code holdMillis} later: the permit is held until then. */
    @GET
    @Path("stage-one-at-a-time")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "async-stage-one-at-a-time", limit = 1, algorithm = RateLimit.Algorithm.CONCURRENCY,
            key = "header:" + ROUND_HEADER)
    public CompletionStage<Response> stageOneAtATime(@QueryParam("holdMillis") long holdMillis) {
        return CompletableFuture.supplyAsync(() -> {
            pause(holdMillis);
            return Response.ok("stage-one-at-a-time").build();
        }, executor);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Not limited itself: waits for {@link AsyncConcurrencyBean#perUser}'s future, and throws the
     * {@link RateLimitExceededException} it fails with, which JAX-RS answers with a 429.
     */
    @GET
    @Path("concurrency-per-user")
    @Produces(MediaType.TEXT_PLAIN)
    public String concurrencyPerUser(@HeaderParam(USER_HEADER) String user)
            throws InterruptedException, ExecutionException, TimeoutException {
        String called = Thread.currentThread().getName();
        try {
            return "concurrency-per-user for " + user + "; called on " + called + "; "
                    + concurrency.perUser(user).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RateLimitExceededException refused) {
                throw refused;
            }
            throw e;
        }
    }

    private void resumeElsewhere(String what, AsyncResponse response) {
        String called = Thread.currentThread().getName();
        executor.execute(() -> response.resume(Response.ok(what + "; called on " + called + "; completed on "
                + Thread.currentThread().getName()).build()));
    }

    private CompletionStage<Response> elsewhere(String what) {
        String called = Thread.currentThread().getName();
        return CompletableFuture.supplyAsync(() -> Response.ok(what + "; called on " + called
                + "; completed on " + Thread.currentThread().getName()).build(), executor);
    }
}
