package dev.tollgate.example;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Exchange rates, from the limited {@link ExchangeRates} client: its refusal reaches the client as a 429. */
@Path("rates")
@RequestScoped
public class RatesResource {

    @Inject
    ExchangeRates rates;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject rate(@QueryParam("to") String currency) {
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new BadRequestException("'to' must be a currency code such as USD");
        }
        try {
            return JsonBuilders.object().add("from", "EUR").add("to", currency)
                    .add("rate", rates.euroTo(currency)).build();
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
