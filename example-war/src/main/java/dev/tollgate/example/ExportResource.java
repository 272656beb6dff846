package dev.tollgate.example;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.temporal.ChronoUnit;

/**
 * A daily quota: 3 exports per user per day, the day starting at 00:00 UTC (fixed windows are aligned to the
 * epoch). A second limit stops a user from spending the day's quota in one burst.
 */
@Path("export")
@RequestScoped
public class ExportResource {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "export-daily", limit = 3, window = 1, windowUnit = ChronoUnit.DAYS,
            key = "dev.tollgate.example.ApiKeyPartition")
    @RateLimit(name = "export-burst", limit = 2, window = 10, windowUnit = ChronoUnit.SECONDS,
            key = "dev.tollgate.example.ApiKeyPartition")
    public String export() {
        return "id,name\n1,Ada\n2,Grace\n";
    }
}
