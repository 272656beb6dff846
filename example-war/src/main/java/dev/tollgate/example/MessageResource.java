package dev.tollgate.example;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Posts messages through the {@link MessageSender} EJB, whose content-based key drops duplicates. */
@Path("messages")
@RequestScoped
public class MessageResource {

    @Inject
    MessageSender sender;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Delivery send(JsonValue message) {
        JsonObject body = Problems.object(message);
        return sender.send(Problems.text(body, "chat", 100), Problems.text(body, "text", 2000));
    }

    @GET
    @Path("sent")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject sent() {
        return JsonBuilders.object().add("sent", sender.sent()).build();
    }
}
