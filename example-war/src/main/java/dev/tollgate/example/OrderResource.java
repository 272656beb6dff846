package dev.tollgate.example;

import dev.tollgate.Idempotent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;

/**
 * Orders, created at most once per {@code Idempotency-Key}: a client that did not get the answer (a timeout, a
 * dropped connection) sends the same request with the same key again and gets the first answer back, with
 * {@code Idempotent-Replayed: true}, instead of a second order.
 */
@Path("orders")
@RequestScoped
public class OrderResource {

    @Inject
    OrderBook book;

    @Context
    UriInfo uri;

    @POST
    @Idempotent(ttl = 24)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response place(JsonValue request) {
        JsonObject order = Problems.object(request);
        Order placed = book.place(Problems.text(order, "item", 200), Problems.count(order, "quantity", 1, 1000));
        return Response.created(uri.getAbsolutePathBuilder().path(placed.id).build()).entity(placed).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Order find(@PathParam("id") String id) {
        return book.find(id).orElseThrow(NotFoundException::new);
    }

    @GET
    @Path("count")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject count() {
        return JsonBuilders.object().add("orders", book.count()).build();
    }
}
