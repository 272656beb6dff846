package dev.tollgate.internal.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem found while resolving settings at deployment, so the deployment fails once with all of
 * them instead of one at a time. Messages have one shape:
 * {@code Invalid @RateLimit.<member> on <class>#<method>(<parameter types>): <reason>, was <value>}.
 */
public final class DeploymentProblems {

    private final List<String> messages = new ArrayList<>();

    public void add(String message) {
        messages.add(message);
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }
}
