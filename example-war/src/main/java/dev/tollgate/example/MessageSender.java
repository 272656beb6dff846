package dev.tollgate.example;

import dev.tollgate.Idempotent;
import jakarta.ejb.Stateless;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a message to a chat (seed 004): a retried job or a redelivered event must not post the same message twice.
 * The key is the content itself (no {@code @IdempotencyKey}: a fingerprint of the arguments), kept 30 minutes, and
 * scoped by the caller, so the same text to the same chat within 30 minutes is sent once and the first delivery
 * is returned again.
 */
@Stateless
public class MessageSender {

    private static final AtomicLong SENT = new AtomicLong();

    @Idempotent(ttl = 30, ttlUnit = ChronoUnit.MINUTES)
    public Delivery send(String chat, String text) {
        SENT.incrementAndGet();
        return new Delivery(UUID.randomUUID().toString(), chat, Instant.now());
    }

    /** How many messages were really sent by this instance. */
    public long sent() {
        return SENT.get();
    }
}
