package dev.tollgate.example.it.probe;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/** How many times the bodies of {@link OutageProbeResource}'s idempotent methods really ran. */
@ApplicationScoped
public class OutageRuns {

    final AtomicInteger reject = new AtomicInteger();
    final AtomicInteger execute = new AtomicInteger();
}
