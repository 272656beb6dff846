package dev.tollgate.example.it.probe;

import java.time.temporal.ChronoUnit;

import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Test-only targets of the hostile-input suite: one limit per key source, each a million a day so that no case runs
 * out of permits (a day, so that no window ends during a run that is not at midnight UTC), and an idempotent JSON
 * endpoint that is also limited, to show that a refused body consumes nothing.
 */
@Path("probe/hostile")
@RequestScoped
public class HostileInputResource {

    public static final String TENANT_HEADER = "X-Tenant";

    @POST
    @Path("ip")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "hostile-ip", limit = 1_000_000, window = 1, windowUnit = ChronoUnit.DAYS, key = "ip")
    public String ip() {
        return "ok";
    }

    @POST
    @Path("header")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "hostile-header", limit = 1_000_000, window = 1, windowUnit = ChronoUnit.DAYS,
            key = "header:" + TENANT_HEADER)
    public String header() {
        return "ok";
    }

    @POST
    @Path("param")
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "hostile-param", limit = 1_000_000, window = 1, windowUnit = ChronoUnit.DAYS,
            key = "param:tenant.name")
    public String param(@QueryParam("tenant") Tenant tenant) {
        return "ok";
    }

    @POST
    @Path("json")
    @Idempotent
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "hostile-json", limit = 1_000_000, window = 1, windowUnit = ChronoUnit.DAYS)
    public String json(JsonValue body) {
        if (!(body instanceof JsonObject object) || !(object.get("item") instanceof JsonString item)
                || item.getString().isEmpty()
                || item.getString().length() > 200) {
            throw new BadRequestException("a body needs an item of 1 to 200 characters");
        }
        return "got " + item.getString().length() + " characters";
    }

    /**
     * A query parameter whose {@code name} getter throws for a value it cannot read, as a parsing getter does on the
     * caller's input: {@code "!..."} is such a value.
     */
    public static final class Tenant {

        private final String raw;

        private Tenant(String raw) {
            this.raw = raw;
        }

        public static Tenant valueOf(String raw) {
            return new Tenant(raw);
        }

        public String getName() {
            if (raw.startsWith("!")) {
                throw new IllegalArgumentException("unreadable tenant " + raw);
            }
            return raw;
        }
    }
}
