package dev.tollgate.example;

import dev.tollgate.RateLimit;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * A client of an upstream exchange-rate service whose provider allows this application 20 calls a minute in total.
 * One shared limit (no key) on the application-scoped client keeps every caller of every resource within it.
 */
@ApplicationScoped
public class ExchangeRates {

    // Stands in for the upstream call.
    private static final Map<String, BigDecimal> EUR_RATES = Map.of(
            "USD", new BigDecimal("1.0842"), "GBP", new BigDecimal("0.8561"), "CHF", new BigDecimal("0.9437"));

    @RateLimit(name = "upstream-rates", limit = 20, window = 1, windowUnit = ChronoUnit.MINUTES,
            algorithm = RateLimit.Algorithm.SLIDING_WINDOW)
    public BigDecimal euroTo(String currency) {
        BigDecimal rate = EUR_RATES.get(currency);
        if (rate == null) {
            throw new IllegalArgumentException("Unknown currency " + currency);
        }
        return rate;
    }
}
