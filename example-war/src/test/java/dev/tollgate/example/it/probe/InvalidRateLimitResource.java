package dev.tollgate.example.it.probe;

import java.time.temporal.ChronoUnit;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Two invalid {@code @RateLimit}s that Tollgate must reject at deployment, both in one report: a limit of 0, and a
 * partition key naming a parameter the method does not have.
 */
@Path("invalid")
@RequestScoped
public class InvalidRateLimitResource {

    @GET
    @Path("zero")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(limit = 0)
    public String zero() {
        return "never deployed";
    }

    @GET
    @Path("unknown-parameter")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(limit = 5, window = 1, windowUnit = ChronoUnit.MINUTES, key = "param:nope")
    public String unknownParameter(@QueryParam("q") String q) {
        return "never deployed";
    }
}
