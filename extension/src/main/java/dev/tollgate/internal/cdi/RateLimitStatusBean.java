package dev.tollgate.internal.cdi;

import dev.tollgate.RateLimitStatus;
import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.ratelimit.GuardedLimit;
import dev.tollgate.internal.ratelimit.GuardedMethod;
import dev.tollgate.internal.ratelimit.LimitOutcome;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link RateLimitStatus} over the deployed limiters: one backend peek per limiter asked about. */
@ApplicationScoped
public class RateLimitStatusBean implements RateLimitStatus {

    @Inject
    RateLimitRuntime runtime;

    @Inject
    Instance<SecurityContext> security;

    @Override
    public List<Quota> quotas() {
        Call call = InterceptedCall.current(security);
        List<Quota> quotas = new ArrayList<>();
        for (GuardedLimit limit : reportable().values()) {
            quotas.add(quota(limit, call));
        }
        return quotas;
    }

    @Override
    public Optional<Quota> quota(String limiter) {
        GuardedLimit limit = reportable().get(limiter);
        return limit == null ? Optional.empty()
                : Optional.of(quota(limit, InterceptedCall.current(security)));
    }

    /** The first limit of each name whose partition needs no call arguments, in deployment order. */
    private Map<String, GuardedLimit> reportable() {
        Map<String, GuardedLimit> limits = new LinkedHashMap<>();
        for (GuardedMethod method : runtime.methods().values()) {
            for (GuardedLimit limit : method.limits()) {
                if (!limit.key().needsInvocation()) {
                    limits.putIfAbsent(limit.settings().name(), limit);
                }
            }
        }
        return limits;
    }

    private Quota quota(GuardedLimit limit, Call call) {
        String tier = limit.settings().tiered() ? runtime.guard().tiers().tierOf(call) : null;
        LimitPolicy policy = limit.settings().policyFor(tier);
        LimitRequest request = new LimitRequest(limit.settings().name(), limit.key().resolve(call), policy, 1);
        LimitOutcome outcome = runtime.guard().enforcer().peek(limit, request);
        return new Quota(limit.settings().name(), policy.capacity(), outcome.remaining(),
                Duration.ofMillis(policy.windowMillis()), outcome.reset());
    }
}
