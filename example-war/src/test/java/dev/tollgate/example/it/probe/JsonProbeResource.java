package dev.tollgate.example.it.probe;

import jakarta.enterprise.context.RequestScoped;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Tells which JSON provider the server's JAX-RS uses for the example WAR: JSON-B writes {@code {"jsonb":...}}
 * (it honours {@link JsonbProperty}), Jackson writes {@code {"value":...}}.
 */
@Path("json-probe")
@RequestScoped
public class JsonProbeResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Probe probe() {
        Probe probe = new Probe();
        probe.value = "written by JSON-B";
        return probe;
    }

    public static class Probe {
        @JsonbProperty("jsonb")
        public String value;
    }
}
