package dev.tollgate.example;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Asks the {@link ReportService} EJB for a report; its limit's refusal reaches the client as a 429. */
@Path("reports")
@RequestScoped
public class ReportResource {

    @Inject
    ApiKeys keys;

    @Inject
    ReportService reports;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject create(@HeaderParam("X-Api-Key") String apiKey, @QueryParam("subject") String subject) {
        ApiKeys.Caller caller = keys.find(apiKey).orElseThrow(() -> new NotAuthorizedException("ApiKey"));
        return JsonBuilders.object()
                .add("report", reports.generate(caller.user(), subject == null ? "everything" : subject))
                .build();
    }
}
