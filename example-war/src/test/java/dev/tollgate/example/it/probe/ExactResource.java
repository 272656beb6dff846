package dev.tollgate.example.it.probe;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The same limit, 20 an hour, once per algorithm, partitioned by the {@code X-Round} request header so that every
 * round of a test starts from a fresh partition. An hour is long enough that nothing refills during a burst.
 */
@Path("exact")
@RequestScoped
public class ExactResource {

    public static final int LIMIT = 20;
    /** Calls of one round that may run at once in {@link #concurrency}. */
    public static final int CONCURRENT = 5;

    /** Per round: calls inside {@link #concurrency} now, and the most there ever were at once. */
    private static final Map<String, AtomicInteger[]> INSIDE = new ConcurrentHashMap<>();
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

    /**
     * At most {@value #CONCURRENT} calls of a round at once; each stays {@code holdMillis} inside, counting how many
     * are inside with it.
     */
    @GET
    @Path("concurrency")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "exact-concurrency", limit = CONCURRENT, algorithm = RateLimit.Algorithm.CONCURRENCY,
            key = "header:" + ROUND_HEADER)
    public String concurrency(@HeaderParam(ROUND_HEADER) String round, @QueryParam("holdMillis") long holdMillis)
            throws InterruptedException {
        AtomicInteger[] counts = INSIDE.computeIfAbsent(String.valueOf(round),
                r -> new AtomicInteger[] {new AtomicInteger(), new AtomicInteger()});
        counts[1].accumulateAndGet(counts[0].incrementAndGet(), Math::max);
        try {
            Thread.sleep(holdMillis);
            return "concurrency";
        } finally {
            counts[0].decrementAndGet();
        }
    }

    /** The most calls of {@code round} that were inside {@link #concurrency} at once (not limited). */
    @GET
    @Path("concurrency/most")
    @Produces(MediaType.TEXT_PLAIN)
    public String mostInside(@QueryParam("round") String round) {
        AtomicInteger[] counts = INSIDE.get(round);
        return counts == null ? "0" : String.valueOf(counts[1].get());
    }
}
