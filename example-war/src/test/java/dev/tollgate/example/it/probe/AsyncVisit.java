package dev.tollgate.example.it.probe;

import jakarta.enterprise.context.RequestScoped;

/**
 * A request-scoped bean the waiting probes use when they run: a call that waited for its permit runs on the
 * managed scheduler, where only the request context Tollgate activates makes this bean usable.
 */
@RequestScoped
public class AsyncVisit {

    private int uses;

    public int use() {
        return ++uses;
    }
}
