package dev.tollgate.example;

import java.time.Instant;

/** What sending a message returned: the id the (simulated) messenger gave it. */
public class Delivery {
    public String messageId;
    public String chat;
    public Instant sentAt;

    public Delivery() {
    }

    Delivery(String messageId, String chat, Instant sentAt) {
        this.messageId = messageId;
        this.chat = chat;
        this.sentAt = sentAt;
    }
}
