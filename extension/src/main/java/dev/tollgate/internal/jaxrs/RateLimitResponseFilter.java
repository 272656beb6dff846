package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.ratelimit.RateLimitResults;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;


/**
 * Adds the rate-limit headers to every response of a request in which a limit was decided: successful responses,
 * error responses of the resource method, and the 429 built by {@link RateLimitExceededMapper} (response filters
 * run on mapped responses too). Requests without a recorded result are left untouched.
 *
 * <p>A header the application has already set is kept: the application has the last word on its responses.
 */
@Provider
@Priority(Priorities.HEADER_DECORATOR)
public class RateLimitResponseFilter implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        RateLimitResults.Recorded recorded = RateLimitResults.recorded(request.getProperty(RateLimitResults.ATTRIBUTE));
        if (recorded == null) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        RateLimitHeaders.render(recorded.result(), recorded.decidedAtEpochMillis(), (name, value) -> {
            if (!headers.containsKey(name)) {
                headers.add(name, value);
            }
        });
    }
}
