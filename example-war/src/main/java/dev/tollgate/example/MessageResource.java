package dev.tollgate.example;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.BadRequestException;
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
    public Delivery send(JsonObject message) {
        if (message == null || !message.containsKey("chat") || !message.containsKey("text")) {
            throw new BadRequestException("a message needs a chat and a text");
        }
        return sender.send(message.getString("chat"), message.getString("text"));
    }

    @GET
    @Path("sent")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject sent() {
        return JsonBuilders.object().add("sent", sender.sent()).build();
    }
}
