package dev.tollgate.example;

import dev.tollgate.RateLimit;
import jakarta.ejb.Stateless;

import java.time.temporal.ChronoUnit;

/**
 * An expensive operation in an EJB: each report costs 5 of a user's 20 permits an hour, so a user gets 4 reports
 * an hour. The partition is the method's {@code user} parameter.
 */
@Stateless
public class ReportService {

    @RateLimit(name = "reports", limit = 20, window = 1, windowUnit = ChronoUnit.HOURS, cost = 5,
            algorithm = RateLimit.Algorithm.TOKEN_BUCKET, key = "param:user")
    public String generate(String user, String subject) {
        return "Report on " + subject + " for " + user;
    }
}
