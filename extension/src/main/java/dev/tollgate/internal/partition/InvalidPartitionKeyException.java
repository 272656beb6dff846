package dev.tollgate.internal.partition;

/**
 * A {@code @RateLimit.key} that cannot work, found at deployment. The message says what is wrong, without the
 * annotation, method or value, which the caller adds.
 *
 * <p>Checked, so the extension cannot forget to turn it into a deployment problem.
 */
public final class InvalidPartitionKeyException extends Exception {

    public InvalidPartitionKeyException(String message) {
        super(message);
    }

    public InvalidPartitionKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
