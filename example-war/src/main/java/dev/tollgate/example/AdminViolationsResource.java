package dev.tollgate.example;

import dev.tollgate.RateLimitViolations;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;

/**
 * The most refused partitions ({@link RateLimitViolations}), for the role {@value AdminIdentityStore#ADMIN_GROUP}:
 * {@code GET /api/admin/violations?limiter=login&count=10}. Without {@code limiter}, every limiter's; {@code count}
 * is 1 to {@value #MAX_COUNT}, {@value #DEFAULT_COUNT} when absent.
 *
 * <p>The role is checked here rather than with {@code @RolesAllowed}, whose enforcement on a CDI bean depends on the
 * JAX-RS implementation's setup (Jersey's {@code RolesAllowedDynamicFeature}, RESTEasy's
 * {@code resteasy.role.based.security}): an anonymous caller gets 401 and the Basic challenge, a caller without the
 * role 403. The role is declared in {@code web.xml}.
 */
@Path("admin/violations")
@RequestScoped
public class AdminViolationsResource {

    static final int DEFAULT_COUNT = 10;
    static final int MAX_COUNT = 100;

    @Inject
    RateLimitViolations violations;

    @Context
    SecurityContext security;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response topOffenders(@QueryParam("limiter") String limiter, @QueryParam("count") String count) {
        if (security.getUserPrincipal() == null) {
            return Response.fromResponse(Problems.response(Response.Status.UNAUTHORIZED, "log in as the administrator"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, AdminAuthentication.CHALLENGE).build();
        }
        if (!security.isUserInRole(AdminIdentityStore.ADMIN_GROUP)) {
            return Problems.response(Response.Status.FORBIDDEN, null);
        }
        int top = count(count);
        if (limiter != null && limiter.isEmpty()) {
            throw Problems.badRequest("'limiter' must not be empty");
        }
        List<RateLimitViolations.Offender> offenders = limiter == null
                ? violations.topOffenders(top)
                : violations.topOffenders(limiter, top);
        JsonArrayBuilder list = JsonBuilders.array();
        for (RateLimitViolations.Offender offender : offenders) {
            list.add(JsonBuilders.object()
                    .add("limiter", offender.limiter())
                    .add("partition", offender.partition())
                    .add("currentPeriod", offender.currentPeriod())
                    .add("previousPeriod", offender.previousPeriod()));
        }
        JsonObject body = JsonBuilders.object()
                .add("period", violations.period().toString())
                .add("offenders", list)
                .build();
        return Response.ok(body).build();
    }

    /** The {@code count} parameter: absent means the default; else a whole number from 1 to the bound. */
    private static int count(String value) {
        if (value == null) {
            return DEFAULT_COUNT;
        }
        if (value.matches("[0-9]{1,3}")) {
            int count = Integer.parseInt(value);
            if (count >= 1 && count <= MAX_COUNT) {
                return count;
            }
        }
        throw Problems.badRequest("'count' must be a whole number from 1 to " + MAX_COUNT);
    }
}
