package dev.tollgate.internal.local;

/**
 * One idempotency record of {@link InMemoryIdempotencyStore}, immutable: every transition stores a new one.
 *
 * @param fingerprint     the request's fingerprint
 * @param owner           the owner token while in progress; {@code null} once completed
 * @param result          the stored result once completed (the store's own copy); {@code null} while in progress
 * @param expiresAtMillis when the record stops existing (epoch ms of the store's clock): the lease's end while in
 *                        progress, the end of the completion's time to live once completed
 */
record IdempotencyRecord(String fingerprint, String owner, byte[] result, long expiresAtMillis) {

    static IdempotencyRecord inProgress(String fingerprint, String owner, long expiresAtMillis) {
        return new IdempotencyRecord(fingerprint, owner, null, expiresAtMillis);
    }

    IdempotencyRecord completed(byte[] storedResult, long until) {
        return new IdempotencyRecord(fingerprint, null, storedResult, until);
    }

    IdempotencyRecord renewed(long until) {
        return new IdempotencyRecord(fingerprint, owner, null, until);
    }

    boolean isCompleted() {
        return owner == null;
    }

    /** Whether {@code caller} owns this record, which then is in progress. */
    boolean isOwnedBy(String caller) {
        return caller.equals(owner);
    }

    /** A record lives while {@code now < expiresAtMillis}, as Caffeine judges it with the same clock. */
    boolean isLiveAt(long now) {
        return now < expiresAtMillis;
    }
}
