package dev.tollgate.internal.jaxrs;

import dev.tollgate.Idempotent;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Binds {@link IdempotencyBodyDigest} to the resource methods that carry {@link Idempotent} (on the method or its
 * class), so that no other request's body is read twice.
 */
public class IdempotencyBodyDigests implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        if (resource.getResourceMethod() == null || resource.getResourceClass() == null) {
            return;
        }
        if (resource.getResourceMethod().isAnnotationPresent(Idempotent.class)
                || resource.getResourceClass().isAnnotationPresent(Idempotent.class)) {
            context.register(IdempotencyBodyDigest.class);
        }
    }
}
