/**
 * Leases kept alive while a call runs: an idempotency claim and a concurrency permit are each held under a lease, so
 * that a holder whose instance dies frees what it held one lease later, while a live holder renews its lease as long
 * as its call runs, however long that is.
 */
package dev.tollgate.internal.lease;
