package dev.tollgate.example;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Placeholder resource: proves the WAR (with the Tollgate extension in WEB-INF/lib) deploys and serves. */
@Path("ping")
@RequestScoped
public class PingResource {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String ping() {
        return "pong";
    }
}
