package dev.tollgate.example;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The example's order store: in memory, as the example has no database. */
@ApplicationScoped
public class OrderBook {

    private final Map<String, Order> orders = new ConcurrentHashMap<>();

    Order place(String item, int quantity) {
        Order order = new Order(UUID.randomUUID().toString(), item, quantity, Instant.now());
        orders.put(order.id, order);
        return order;
    }

    Optional<Order> find(String id) {
        return Optional.ofNullable(orders.get(id));
    }

    int count() {
        return orders.size();
    }
}
