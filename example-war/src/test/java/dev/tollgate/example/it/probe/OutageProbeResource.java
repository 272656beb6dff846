package dev.tollgate.example.it.probe;

import java.time.temporal.ChronoUnit;

import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.RateLimit.FailureMode;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * One endpoint per failure mode, for the Redis outage tests. Every rate limit is a sliding window of an hour, so
 * nothing leaves a window during a test, and the {@code LOCAL} limiters have one per scenario (each test starts
 * from a fresh local count: the in-memory fallback state outlives an outage). The deployment sets
 * {@code tollgate.ratelimit.local-share} to {@value #LOCAL_SHARE}: a {@code LOCAL} limit of {@value #LIMIT} admits
 * {@value #LOCAL_LIMIT} on this instance while Redis is away.
 */
@Path("probe/outage")
@RequestScoped
public class OutageProbeResource {

    /** The limit of every {@code LOCAL} limiter, shared through Redis. */
    public static final int LIMIT = 40;
    public static final String LOCAL_SHARE = "0.5";
    /** What this one instance grants of {@link #LIMIT} while Redis is away. */
    public static final int LOCAL_LIMIT = 20;
    public static final int ALLOW_LIMIT = 2;
    public static final long WINDOW_MILLIS = 3_600_000;
    /** Partitions {@code local/round}: every round of a test picks a fresh one. */
    public static final String ROUND_HEADER = "X-Round";
    /** The limiter of {@code shared}: one partition for every caller (key ""). */
    public static final String SHARED_LIMITER = "outage-shared";
    /** The configuration key that makes {@code reject-by-config}, {@code LOCAL} by its annotation, {@code REJECT}. */
    public static final String REJECT_BY_CONFIG = OutageProbeResource.class.getName()
            + "/rejectByConfig/RateLimit/failureMode";

    @Inject
    OutageRuns runs;

    @GET
    @Path("local/frozen")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "outage-local-frozen", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = Algorithm.SLIDING_WINDOW, key = "", failureMode = FailureMode.LOCAL)
    public String localFrozen() {
        return "local";
    }

    @GET
    @Path("local/killed")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "outage-local-killed", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = Algorithm.SLIDING_WINDOW, key = "", failureMode = FailureMode.LOCAL)
    public String localKilled() {
        return "local";
    }

    @GET
    @Path("local/round")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "outage-local-round", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = Algorithm.SLIDING_WINDOW, key = "header:" + ROUND_HEADER)
    public String localRound() {
        return "local";
    }

    @GET
    @Path("shared")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = SHARED_LIMITER, limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = Algorithm.SLIDING_WINDOW, key = "")
    public String shared() {
        return "shared";
    }

    @GET
    @Path("allow")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "outage-allow", limit = ALLOW_LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = Algorithm.SLIDING_WINDOW, key = "", failureMode = FailureMode.ALLOW)
    public String allow() {
        return "allow";
    }

    @GET
    @Path("reject")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "outage-reject", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = Algorithm.SLIDING_WINDOW, key = "", failureMode = FailureMode.REJECT)
    public String reject() {
        return "reject";
    }

    /** {@code LOCAL} by its annotation, {@code REJECT} by the deployment's configuration: {@link #REJECT_BY_CONFIG}. */
    @GET
    @Path("reject-by-config")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "outage-reject-by-config", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = Algorithm.SLIDING_WINDOW, key = "")
    public String rejectByConfig() {
        return "reject-by-config";
    }

    @POST
    @Path("idempotent/reject")
    @Idempotent(failureMode = Idempotent.FailureMode.REJECT)
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String idempotentReject(String body) {
        return "run " + runs.reject.incrementAndGet() + " of " + body;
    }

    @POST
    @Path("idempotent/execute")
    @Idempotent(failureMode = Idempotent.FailureMode.EXECUTE)
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String idempotentExecute(String body) {
        return "run " + runs.execute.incrementAndGet() + " of " + body;
    }

    @GET
    @Path("runs/reject")
    @Produces(MediaType.TEXT_PLAIN)
    public int rejectRuns() {
        return runs.reject.get();
    }

    @GET
    @Path("runs/execute")
    @Produces(MediaType.TEXT_PLAIN)
    public int executeRuns() {
        return runs.execute.get();
    }
}
