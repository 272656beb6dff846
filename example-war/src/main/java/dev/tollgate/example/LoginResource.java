package dev.tollgate.example;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.temporal.ChronoUnit;

/**
 * Login, limited per client address to 5 attempts a minute, successful or not: the brake on password guessing.
 * Behind a reverse proxy, list it in {@code tollgate.trusted-proxies} so that the client's address is taken from
 * {@code X-Forwarded-For} rather than the proxy's.
 */
@Path("login")
@RequestScoped
public class LoginResource {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @RateLimit(name = "login", limit = 5, window = 1, windowUnit = ChronoUnit.MINUTES,
            algorithm = RateLimit.Algorithm.SLIDING_WINDOW, key = "ip")
    public Response login(@FormParam("user") String user, @FormParam("password") String password) {
        // A demo check; a real application asks its identity store.
        boolean valid = user != null && "secret".equals(password);
        JsonObject body = JsonBuilders.object().add("authenticated", valid).build();
        return Response.status(valid ? Response.Status.OK : Response.Status.UNAUTHORIZED).entity(body).build();
    }
}
