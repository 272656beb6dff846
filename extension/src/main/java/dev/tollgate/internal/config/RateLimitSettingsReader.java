package dev.tollgate.internal.config;

import dev.tollgate.internal.ratelimit.TierSettings;
import dev.tollgate.internal.ratelimit.LimitSettings;
import dev.tollgate.RateLimit;
import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.RateLimit.FailureMode;
import dev.tollgate.internal.ratelimit.LimitPolicy;

import java.lang.reflect.Method;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Resolves the {@code @RateLimit}s of a method into {@link LimitSettings}, once, at deployment.
 *
 * <p>Each member's value is the first found of (MicroProfile Fault Tolerance's convention, plus a global level
 * under {@code tollgate.} so it cannot collide with SmallRye Fault Tolerance's own {@code RateLimit/...} keys):
 * <ol>
 *   <li>{@code <class>/<method>/RateLimit/<name>/<member>}: one named limit of the method (needed when a method has
 *       several limits and only one should change);</li>
 *   <li>{@code <class>/<method>/RateLimit/<member>}: every limit of the method;</li>
 *   <li>{@code <class>/RateLimit/<member>}: every limit of the class's methods;</li>
 *   <li>{@code tollgate.ratelimit.<member>}: every limit of the application;</li>
 *   <li>the annotation.</li>
 * </ol>
 * {@code <class>} is the bean class's fully qualified name and {@code <method>} the method's name.
 * Every problem is reported to {@link DeploymentProblems}; a method with any problem yields no settings.
 */
public final class RateLimitSettingsReader {

    static final String GLOBAL_PREFIX = "tollgate.ratelimit.";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/$-]{1,200}");
    private static final Set<ChronoUnit> WINDOW_UNITS = EnumSet.of(ChronoUnit.MILLIS, ChronoUnit.SECONDS,
            ChronoUnit.MINUTES, ChronoUnit.HOURS, ChronoUnit.HALF_DAYS, ChronoUnit.DAYS, ChronoUnit.WEEKS);
    private static final Set<ChronoUnit> WAIT_UNITS = EnumSet.of(ChronoUnit.MILLIS, ChronoUnit.SECONDS,
            ChronoUnit.MINUTES);
    private static final long MAX_WAIT_MILLIS = 60_000;
    /**
     * The algorithms whose permits can be leased: a lease takes permits that stay valid for a known time (the rest of
     * a fixed window, a token taken from a bucket) and can be given back. A sliding log's entries carry their time,
     * a GCRA's permits are a position in time and a concurrency permit is held by one call: none can be handed out
     * later by another thread.
     */
    private static final Set<Algorithm> LEASED_ALGORITHMS = EnumSet.of(Algorithm.FIXED_WINDOW,
            Algorithm.TOKEN_BUCKET);

    /** The largest {@code SLIDING_WINDOW} limit unless {@code tollgate.ratelimit.sliding-window.max-limit} says. */
    public static final long DEFAULT_SLIDING_WINDOW_MAX_LIMIT = 10_000;

    private final ConfigValues config;
    private final TierSettings tiers;
    private final long slidingWindowMaxLimit;

    public RateLimitSettingsReader(ConfigValues config, TierSettings tiers) {
        this(config, tiers, DEFAULT_SLIDING_WINDOW_MAX_LIMIT);
    }

    /**
     * @param slidingWindowMaxLimit the largest limit a {@code SLIDING_WINDOW} may have: it keeps one entry per
     *                              permit of its window, so its memory grows with the limit
     */
    public RateLimitSettingsReader(ConfigValues config, TierSettings tiers, long slidingWindowMaxLimit) {
        this.config = config;
        this.tiers = tiers;
        this.slidingWindowMaxLimit = slidingWindowMaxLimit;
    }

    /**
     * The enabled limits of {@code method} on {@code beanClass}, in declaration order; empty when all are disabled
     * or any has a problem (reported to {@code problems}).
     */
    public List<LimitSettings> read(Class<?> beanClass, Method method, List<RateLimit> annotations,
                                    DeploymentProblems problems) {
        String where = describe(beanClass, method);
        int before = problems.messages().size();
        List<LimitSettings> limits = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (RateLimit annotation : annotations) {
            Member member = new Member(beanClass, method, annotation, annotations.size() > 1, where, problems);
            if (!member.enabled()) {
                continue;
            }
            LimitSettings settings = member.resolve();
            if (settings == null) {
                continue;
            }
            if (!names.add(settings.name())) {
                problems.add("Invalid @RateLimit.name on " + where
                        + ": the limits of one method need distinct names, was '" + settings.name() + "' twice");
            }
            limits.add(settings);
        }
        return problems.messages().size() == before ? limits : List.of();
    }

    /** {@code com.acme.Orders#create(String, int)}, as deployment messages name a method. */
    public static String describe(Class<?> beanClass, Method method) {
        return beanClass.getName() + "#" + method.getName() + "(" + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }

    /** Resolves the members of one annotation. */
    private final class Member {

        private final RateLimit annotation;
        private final AnnotationMembers members;
        /** The annotation's name, or {@code <class>/<method>}. */
        private final String name;

        Member(Class<?> beanClass, Method method, RateLimit annotation, boolean several, String where,
               DeploymentProblems problems) {
            this.annotation = annotation;
            this.name = annotation.name().isEmpty() ? beanClass.getName() + "/" + method.getName() : annotation.name();
            String classPrefix = beanClass.getName() + "/RateLimit/";
            String methodPrefix = beanClass.getName() + "/" + method.getName() + "/RateLimit/";
            List<String> prefixes = new ArrayList<>(4);
            if (several || !annotation.name().isEmpty()) {
                prefixes.add(methodPrefix + name + "/");
            }
            prefixes.addAll(List.of(methodPrefix, classPrefix, GLOBAL_PREFIX));
            this.members = new AnnotationMembers(config, "RateLimit", prefixes, where, problems);
        }

        boolean enabled() {
            return members.bool("enabled", annotation.enabled());
        }

        LimitSettings resolve() {
            // The name identifies the counters, so it comes from the annotation only: configuration cannot move a
            // limit onto another limiter's counters. The default, <class>/<method>, is a Java name: no check.
            boolean valid = true;
            if (!annotation.name().isEmpty() && !NAME.matcher(name).matches()) {
                valid = members.invalid("name", "must be 1 to 200 characters from [A-Za-z0-9._:/$-]",
                        "'" + name + "'");
            }
            long limit = members.number("limit", annotation.limit());
            long window = members.number("window", annotation.window());
            ChronoUnit windowUnit = members.unit("windowUnit", annotation.windowUnit(), WINDOW_UNITS);
            Algorithm algorithm = algorithm();
            long burst = members.number("burst", annotation.burst());
            long cost = members.number("cost", annotation.cost());
            String key = members.string("key", annotation.key());
            boolean shadow = members.bool("shadow", annotation.shadow());
            long maxWait = members.number("maxWait", annotation.maxWait());
            ChronoUnit maxWaitUnit = members.unit("maxWaitUnit", annotation.maxWaitUnit(), WAIT_UNITS);
            boolean tiered = members.bool("tiered", annotation.tiered());
            FailureMode failureMode = members.choice("failureMode", annotation.failureMode(), FailureMode.class);
            boolean leasing = members.bool("leasing", annotation.leasing());
            if (members.unparsable()) {
                return null;
            }

            if (limit <= 0 || limit > LimitPolicy.MAX_PERMITS) {
                valid = members.invalid("limit", "must be > 0 and <= " + LimitPolicy.MAX_PERMITS, limit);
            } else if (algorithm == Algorithm.SLIDING_WINDOW && limit > slidingWindowMaxLimit) {
                valid = members.invalid("limit", slidingWindowTooLarge(""), limit);
            }
            long windowMillis = -1;
            if (window <= 0) {
                valid = members.invalid("window", "must be > 0", window);
            } else if (windowUnit != null) {
                windowMillis = toMillis(window, windowUnit);
                if (windowMillis < 1 || windowMillis > LimitPolicy.MAX_WINDOW_MILLIS) {
                    valid = members.invalid("window", "window x windowUnit must be between 1 ms and 366 days",
                            window + " " + windowUnit.name());
                } else if (algorithm == Algorithm.CONCURRENCY && windowMillis < LimitPolicy.MIN_LEASE_MILLIS) {
                    valid = members.invalid("window", "a CONCURRENCY limit's window is the lease of its permits,"
                            + " renewed every third of it while a call runs, and must be at least 1 second",
                            window + " " + windowUnit.name());
                }
            }
            if (burst < 0) {
                valid = members.invalid("burst", "must be >= 0", burst);
            } else if (burst > 0 && algorithm != null && !LimitPolicy.hasBurst(algorithm)) {
                valid = members.invalid("burst", "only TOKEN_BUCKET and GCRA have a burst, but the algorithm is "
                        + algorithm, burst);
            } else if (algorithm == Algorithm.GCRA && windowMillis > 0 && limit > 0
                    && !LimitPolicy.gcraToleranceFits(burst == 0 ? limit : burst, windowMillis)) {
                valid = members.invalid("burst", "a GCRA's burst (the limit if burst is 0) x window in ms must be at"
                        + " most " + LimitPolicy.MAX_GCRA_TOLERANCE, (burst == 0 ? limit : burst) + " x " + windowMillis
                        + " ms");
            }
            if (maxWait < 0) {
                valid = members.invalid("maxWait", "must be >= 0", maxWait);
            } else if (maxWaitUnit != null && toMillis(maxWait, maxWaitUnit) > MAX_WAIT_MILLIS) {
                valid = members.invalid("maxWait", "maxWait x maxWaitUnit must be at most 60 seconds",
                        maxWait + " " + maxWaitUnit.name());
            }
            if (leasing && algorithm != null && !LEASED_ALGORITHMS.contains(algorithm)) {
                if (globalOnly("leasing")) {
                    // tollgate.ratelimit.leasing=true asks for leasing wherever it can be had; it does not make
                    // every sliding window of the application a deployment error.
                    leasing = false;
                } else {
                    valid = members.invalid("leasing", "only FIXED_WINDOW and TOKEN_BUCKET permits can be leased,"
                            + " but the algorithm is " + algorithm, true);
                }
            }
            if (tiered && tiers.isEmpty()) {
                valid = members.invalid("tiered", "tiered limits need tiers: set tollgate.tiers", true);
            }
            if (!valid || windowUnit == null || maxWaitUnit == null) {
                return null;
            }

            LimitPolicy policy = policy(algorithm, limit, windowMillis, burst);
            if (cost < 1 || cost > policy.capacity()) {
                members.invalid("cost", "must be >= 1 and <= the capacity (" + policy.capacity()
                        + "), or no call could ever be permitted", cost);
                return null;
            }
            Map<String, LimitPolicy> tierPolicies = new LinkedHashMap<>();
            if (tiered) {
                for (String tier : tiers.names()) {
                    long tierLimit = tiers.limits().getOrDefault(tier, limit);
                    if (algorithm == Algorithm.SLIDING_WINDOW && tierLimit > slidingWindowMaxLimit) {
                        members.invalid("limit", slidingWindowTooLarge(" (tollgate.tier." + tier + ".limit)"),
                                tierLimit);
                        return null;
                    }
                    if (algorithm == Algorithm.GCRA
                            && !LimitPolicy.gcraToleranceFits(burst == 0 ? tierLimit : burst, windowMillis)) {
                        members.invalid("burst", "a GCRA's burst (the limit if burst is 0) x window in ms must be at"
                                + " most " + LimitPolicy.MAX_GCRA_TOLERANCE + " for tier " + tier, tierLimit);
                        return null;
                    }
                    LimitPolicy tierPolicy = policy(algorithm, tierLimit, windowMillis, burst);
                    if (cost > tierPolicy.capacity()) {
                        members.invalid("cost", "must be <= the capacity of tier " + tier + " (" + tierPolicy.capacity()
                                + ")", cost);
                        return null;
                    }
                    tierPolicies.put(tier, tierPolicy);
                }
            }
            return new LimitSettings(name, policy, tierPolicies, cost, key, shadow,
                    toMillis(maxWait, maxWaitUnit), failureMode, leasing);
        }

        /** Whether {@code member}'s value comes from the global key {@code tollgate.ratelimit.<member>}. */
        private boolean globalOnly(String member) {
            return members.configured(member).map(found -> found[1].equals(GLOBAL_PREFIX + member)).orElse(false);
        }

        private String slidingWindowTooLarge(String source) {
            return "a SLIDING_WINDOW keeps one entry per permit of its window, so its limit" + source + " must be <= "
                    + slidingWindowMaxLimit + " (tollgate.ratelimit.sliding-window.max-limit); for a larger limit"
                    + " without bursts at window edges use GCRA, whose state per partition is one value";
        }

        private LimitPolicy policy(Algorithm algorithm, long limit, long windowMillis, long burst) {
            return LimitPolicy.hasBurst(algorithm)
                    ? new LimitPolicy(algorithm, limit, windowMillis, burst == 0 ? limit : burst)
                    : LimitPolicy.window(algorithm, limit, windowMillis);
        }

        private Algorithm algorithm() {
            return members.choice("algorithm", annotation.algorithm(), Algorithm.class);
        }
    }

    /**
     * {@code tollgate.ratelimit.local-share}: the fraction of each limit that one instance grants on its own while
     * Redis is unavailable ({@code LOCAL} failure mode), in {@code (0, 1]}; default 1.
     */
    public static double localShare(ConfigValues config, DeploymentProblems problems) {
        String key = GLOBAL_PREFIX + "local-share";
        Optional<String> value = config.get(key).map(String::trim);
        if (value.isEmpty()) {
            return 1.0;
        }
        try {
            double share = Double.parseDouble(value.get());
            if (share > 0 && share <= 1) {
                return share;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("Invalid " + key + ": must be a fraction greater than 0 and at most 1 (0.25 for four"
                + " instances), was '" + value.get() + "'");
        return 1.0;
    }

    /**
     * {@code tollgate.ratelimit.sliding-window.max-limit}: the largest {@code SLIDING_WINDOW} limit, default
     * {@value #DEFAULT_SLIDING_WINDOW_MAX_LIMIT}; at most {@link LimitPolicy#MAX_PERMITS}.
     */
    public static long slidingWindowMaxLimit(ConfigValues config, DeploymentProblems problems) {
        String key = GLOBAL_PREFIX + "sliding-window.max-limit";
        Optional<String> value = config.get(key).map(String::trim);
        if (value.isEmpty()) {
            return DEFAULT_SLIDING_WINDOW_MAX_LIMIT;
        }
        try {
            long max = Long.parseLong(value.get());
            if (max > 0 && max <= LimitPolicy.MAX_PERMITS) {
                return max;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("Invalid " + key + ": must be a whole number from 1 to " + LimitPolicy.MAX_PERMITS + ", was '"
                + value.get() + "'");
        return DEFAULT_SLIDING_WINDOW_MAX_LIMIT;
    }

    private static long toMillis(long amount, ChronoUnit unit) {
        return AnnotationMembers.toMillis(amount, unit);
    }
}
