package dev.tollgate.internal.config;

import java.util.Optional;

/** Where configuration values come from: MicroProfile Config in a server, a map in tests. */
@FunctionalInterface
public interface ConfigValues {

    /** The value of {@code key}, if set and not blank. */
    Optional<String> get(String key);
}
