package dev.tollgate.example.it.probe;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.temporal.ChronoUnit;

/**
 * A limiter that the tests deploy but never call: its metrics must exist from deployment on, reading 0 for both
 * results. (Every limiter of the example itself is called by some test of the class.)
 */
@Path("never-called")
@RequestScoped
public class NeverCalledLimiterProbeResource {

    public static final String LIMITER = "never-called";

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = LIMITER, limit = 1, window = 1, windowUnit = ChronoUnit.MINUTES)
    public String neverCalled() {
        return "called";
    }
}
