package dev.tollgate.example;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The example's callers: API keys, each naming a user and a plan (tier), from {@code example.api-keys} in
 * {@code microprofile-config.properties} ({@code <key>=<user>:<tier>, ...}). A real application would look the key
 * up in its database; the point here is only that the key decides who is counted and in which tier.
 */
@ApplicationScoped
public class ApiKeys {

    /** A known caller. */
    public record Caller(String user, String tier) {
    }

    @Inject
    @ConfigProperty(name = "example.api-keys")
    String configured;

    @Inject
    HttpServletRequest request;

    private Map<String, Caller> callers;

    @PostConstruct
    void parse() {
        Map<String, Caller> parsed = new HashMap<>();
        for (String entry : configured.split(",")) {
            String[] keyAndCaller = entry.trim().split("=", 2);
            String[] userAndTier = keyAndCaller[1].split(":", 2);
            parsed.put(keyAndCaller[0].trim(), new Caller(userAndTier[0].trim(), userAndTier[1].trim()));
        }
        callers = Map.copyOf(parsed);
    }

    /** The caller of the current HTTP request, by its {@code X-Api-Key} header, if the key is known. */
    public Optional<Caller> current() {
        return find(request.getHeader("X-Api-Key"));
    }

    /** The caller owning {@code key}, if the key is known. */
    public Optional<Caller> find(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(callers.get(key));
    }
}
