package dev.tollgate.example;

import java.time.Instant;

/** An order as the API returns it. Public fields: JSON-B writes them as they are. */
public class Order {
    public String id;
    public String item;
    public int quantity;
    public Instant createdAt;

    public Order() {
    }

    Order(String id, String item, int quantity, Instant createdAt) {
        this.id = id;
        this.item = item;
        this.quantity = quantity;
        this.createdAt = createdAt;
    }
}
