package dev.tollgate.example.it.probe;

import java.time.temporal.ChronoUnit;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The same limit, 20 an hour, once per algorithm, partitioned by the {@code X-Round} request header so that every
 * round of a test starts from a fresh partition. An hour is long enough that nothing refills during a burst.
 */
@Path("exact")
@RequestScoped
public class ExactResource {

    public static final int LIMIT = 20;
    public static final String ROUND_HEADER = "X-Round";

    @GET
    @Path("fixed")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "exact-fixed", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = RateLimit.Algorithm.FIXED_WINDOW, key = "header:" + ROUND_HEADER)
    public String fixed() {
        return "fixed";
    }

    @GET
    @Path("sliding")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "exact-sliding", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = RateLimit.Algorithm.SLIDING_WINDOW, key = "header:" + ROUND_HEADER)
    public String sliding() {
        return "sliding";
    }

    @GET
    @Path("bucket")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "exact-bucket", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = RateLimit.Algorithm.TOKEN_BUCKET, key = "header:" + ROUND_HEADER)
    public String bucket() {
        return "bucket";
    }

    /** GCRA: {@code limit} at once from rest (its burst), then one every window / limit (here 3 minutes). */
    @GET
    @Path("gcra")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "exact-gcra", limit = LIMIT, window = 1, windowUnit = ChronoUnit.HOURS,
            algorithm = RateLimit.Algorithm.GCRA, key = "header:" + ROUND_HEADER)
    public String gcra() {
        return "gcra";
    }
}
