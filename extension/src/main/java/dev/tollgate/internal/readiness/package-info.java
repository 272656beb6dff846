/**
 * What the public readiness check reports, kept apart from the container: the backend's ping, the breaker's state,
 * and whether the failure modes keep the application serving while Redis is unavailable.
 */
package dev.tollgate.internal.readiness;
