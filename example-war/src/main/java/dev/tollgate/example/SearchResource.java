package dev.tollgate.example;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.temporal.ChronoUnit;

/**
 * Search, limited per user by plan: the limit per minute comes from the caller's tier
 * ({@code tollgate.tier.<tier>.limit} in microprofile-config.properties: free 10, basic 60, premium 300,
 * enterprise 1000). The annotation's {@code limit} applies only to a tier without a configured limit.
 */
@Path("search")
@RequestScoped
public class SearchResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RateLimit(name = "search", limit = 10, window = 1, windowUnit = ChronoUnit.MINUTES,
            algorithm = RateLimit.Algorithm.SLIDING_WINDOW, tiered = true,
            key = "dev.tollgate.example.ApiKeyPartition")
    public JsonObject search(@QueryParam("q") String query) {
        return JsonBuilders.object()
                .add("query", query == null ? "" : query)
                .add("results", JsonBuilders.array()
                        .add("Tollgate: rate limits for Jakarta EE")
                        .add("Idempotency keys, explained"))
                .build();
    }
}
