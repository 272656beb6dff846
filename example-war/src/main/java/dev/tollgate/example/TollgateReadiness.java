package dev.tollgate.example;

import dev.tollgate.health.TollgateReadinessCheck;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.Readiness;

/**
 * Tollgate's {@code tollgate-redis} readiness check, declared in the application so that WildFly's health
 * subsystem finds it (it only looks among the application's own classes). Payara Micro would find Tollgate's own
 * check without this class; with it, there is still exactly one.
 */
@Readiness
@ApplicationScoped
public class TollgateReadiness extends TollgateReadinessCheck {
}
