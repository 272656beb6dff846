package dev.tollgate.example.it.probe;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only: how many times each asynchronous probe ran, per name (a probe and usually a key), counted by the work
 * itself on whichever thread it runs, and read by the tests through the probes' {@code runs} endpoints.
 */
@ApplicationScoped
public class AsyncRuns {

    private final ConcurrentMap<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    /** Counts one more run of {@code name}; returns its number, from 1. */
    public int next(String name) {
        return runs.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    }

    public int count(String name) {
        AtomicInteger count = runs.get(name);
        return count == null ? 0 : count.get();
    }
}
