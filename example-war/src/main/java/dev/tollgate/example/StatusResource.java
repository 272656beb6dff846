package dev.tollgate.example;

import dev.tollgate.RateLimitStatus;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The caller's remaining quotas, read without consuming any: what seed 002 calls the status tool. */
@Path("status")
@RequestScoped
public class StatusResource {

    @Inject
    RateLimitStatus status;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject quotas() {
        JsonArrayBuilder limits = JsonBuilders.array();
        for (RateLimitStatus.Quota quota : status.quotas()) {
            limits.add(JsonBuilders.object()
                    .add("limiter", quota.limiter())
                    .add("limit", quota.limit())
                    .add("remaining", quota.remaining())
                    .add("windowSeconds", quota.window().toSeconds())
                    .add("resetSeconds", (quota.reset().toMillis() + 999) / 1000));
        }
        return JsonBuilders.object().add("limits", limits).build();
    }
}
