/**
 * Violation tracking: every refusal (shadow ones too) counted per limiter, partition and period, off the refused
 * call's path, in a ranking kept by a {@link dev.tollgate.internal.violations.ViolationStore} (Redis or memory); and
 * persistent violators, partitions refused more than a threshold within one period, reported once per period.
 */
package dev.tollgate.internal.violations;
