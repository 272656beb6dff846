package dev.tollgate.example;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The example WAR's JAX-RS application: every resource lives under {@code /api}. */
@ApplicationPath("/api")
public class ExampleApplication extends Application {
}
