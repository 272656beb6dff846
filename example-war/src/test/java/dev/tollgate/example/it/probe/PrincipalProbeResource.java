package dev.tollgate.example.it.probe;

import dev.tollgate.Idempotent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import java.util.concurrent.atomic.AtomicInteger;

/** Test-only: an idempotent call that answers who ran it, and in which run. */
@Path("probe/principal")
@RequestScoped
public class PrincipalProbeResource {

    private static final AtomicInteger RUNS = new AtomicInteger();

    @Context
    SecurityContext security;

    @POST
    @Idempotent
    @Produces(MediaType.TEXT_PLAIN)
    public String whoAmI() {
        String caller = security.getUserPrincipal() == null ? "anonymous" : security.getUserPrincipal().getName();
        return "run " + RUNS.incrementAndGet() + " for " + caller;
    }
}
