/**
 * MicroProfile Health for Tollgate: the readiness check of its store. Tollgate registers it by itself; only
 * applications on servers whose health subsystem ignores library beans (WildFly) subclass it, see
 * {@link dev.tollgate.health.TollgateReadinessCheck}. Loaded only where the MicroProfile Health API exists.
 */
package dev.tollgate.health;
