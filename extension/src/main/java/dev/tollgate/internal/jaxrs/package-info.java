/**
 * JAX-RS glue for rate limits: the response headers, the 429 problem response, and how both find the decision.
 *
 * <h2>How a decision reaches the response</h2>
 *
 * The {@code @RateLimit} interceptor runs inside the resource method invocation and cannot see JAX-RS contexts.
 * After deciding, it calls {@link dev.tollgate.internal.ratelimit.RateLimitResults#record} with the call's
 * {@code HttpServletRequest}; the result is stored as the servlet request attribute
 * {@value dev.tollgate.internal.ratelimit.RateLimitResults#ATTRIBUTE}. {@link
 * dev.tollgate.internal.jaxrs.RateLimitResponseFilter} reads it back through
 * {@code ContainerRequestContext.getProperty}, which Jakarta REST requires to expose the servlet request's
 * attributes in a servlet container (Jersey: {@code ServletPropertiesDelegate}; RESTEasy:
 * {@code HttpServletInputMessage.getAttribute}). No CDI scope, no {@code @Context} proxy and no
 * implementation-specific API is involved, so Jersey (Payara) and RESTEasy (WildFly) behave the same. A
 * {@code @RequestScoped} holder would need the extension to add it as a bean (the jar has no beans.xml), CDI
 * injection into JAX-RS providers (Jersey bridges CDI and HK2, RESTEasy has its own injector) and an active request
 * context on whatever thread runs the filter.
 *
 * <p>A refused call throws {@code RateLimitExceededException}; {@link
 * dev.tollgate.internal.jaxrs.RateLimitExceededMapper} turns it into {@code 429} with {@code Retry-After} and an
 * RFC 9457 body. Jakarta REST runs the response filters on a mapped response too (spec assertion
 * JAXRS:SPEC:82), so the 429 also carries the rate-limit headers when a result was recorded.
 *
 * <h2>Registration</h2>
 *
 * The filter and the mapper are {@code @Provider}s, found by scanning when the application's {@code Application}
 * returns no classes. An {@code Application} that lists its classes disables scanning, so {@link
 * dev.tollgate.internal.jaxrs.TollgateFeature} is also listed in {@code META-INF/services/jakarta.ws.rs.core.Feature}
 * (Jakarta REST 3.1 section 4.1.2: such features are loaded unless {@code jakarta.ws.rs.loadServices} is
 * {@code false}) and registers whichever of the two is not registered yet.
 */
package dev.tollgate.internal.jaxrs;
