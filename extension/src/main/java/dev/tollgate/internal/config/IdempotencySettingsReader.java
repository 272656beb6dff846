package dev.tollgate.internal.config;

import dev.tollgate.internal.idempotency.IdempotencySettings;
import dev.tollgate.IdempotencyKey;
import dev.tollgate.Idempotent;
import dev.tollgate.internal.idempotency.ResponseLimits;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves the {@code @Idempotent} of a method into {@link IdempotencySettings}, once, at deployment. Each member
 * is the first found of {@code <class>/<method>/Idempotent/<member>}, {@code <class>/Idempotent/<member>},
 * {@code tollgate.idempotency.<member>} and the annotation. {@code storeFailures} is configured as a comma-separated
 * list of class names. Every problem goes to {@link DeploymentProblems}.
 */
public final class IdempotencySettingsReader {

    static final String GLOBAL_PREFIX = "tollgate.idempotency.";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/$-]{1,200}");
    private static final Set<ChronoUnit> TTL_UNITS = EnumSet.of(ChronoUnit.SECONDS, ChronoUnit.MINUTES,
            ChronoUnit.HOURS, ChronoUnit.HALF_DAYS, ChronoUnit.DAYS, ChronoUnit.WEEKS);
    private static final Set<ChronoUnit> WAIT_UNITS = EnumSet.of(ChronoUnit.MILLIS, ChronoUnit.SECONDS,
            ChronoUnit.MINUTES);
    private static final long MIN_TTL_MILLIS = 1_000;
    private static final long MAX_TTL_MILLIS = 366L * 24 * 60 * 60 * 1000;
    private static final long MAX_WAIT_MILLIS = 60_000;

    /** Default lease of a running call's key: renewed every third of it, so a dead instance frees keys in 30 s. */
    public static final long DEFAULT_LEASE_MILLIS = 30_000;
    private static final long MIN_LEASE_MILLIS = 100;
    private static final long MAX_LEASE_MILLIS = 10 * 60_000;
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private final ConfigValues config;

    public IdempotencySettingsReader(ConfigValues config) {
        this.config = config;
    }

    /**
     * {@code tollgate.idempotency.lease}: milliseconds ({@code 30000}) or ISO-8601 ({@code PT30S}), 100 ms to
     * 10 minutes. Default 30 s.
     */
    public long leaseMillis(DeploymentProblems problems) {
        String key = GLOBAL_PREFIX + "lease";
        Duration lease = GlobalSettings.duration(config, key, problems);
        if (lease == null) {
            return DEFAULT_LEASE_MILLIS;
        }
        long millis = lease.toMillis();
        if (millis < MIN_LEASE_MILLIS || millis > MAX_LEASE_MILLIS) {
            problems.add("Invalid " + key + ": must be between 100 ms and 10 minutes, was " + millis + " ms");
            return DEFAULT_LEASE_MILLIS;
        }
        return millis;
    }

    /**
     * {@code tollgate.idempotency.max-response-bytes} (default 1 MiB, at most 64 MiB) and
     * {@code tollgate.idempotency.replayed-headers} (comma-separated names; credential headers are refused).
     */
    public ResponseLimits responseLimits(DeploymentProblems problems) {
        int maxBytes = (int) GlobalSettings.number(config, GLOBAL_PREFIX + "max-response-bytes",
                ResponseLimits.DEFAULT_MAX_BODY_BYTES, 0, MAX_BODY_BYTES, problems);
        Set<String> headers = ResponseLimits.DEFAULT_HEADERS;
        String headersKey = GLOBAL_PREFIX + "replayed-headers";
        var configured = config.get(headersKey);
        if (configured.isPresent()) {
            Set<String> names = new LinkedHashSet<>();
            for (String name : configured.get().split(",")) {
                String header = name.trim().toLowerCase(Locale.ROOT);
                if (header.isEmpty()) {
                    continue;
                }
                if (ResponseLimits.FORBIDDEN_HEADERS.contains(header)) {
                    problems.add("Invalid " + headersKey + ": " + name.trim() + " carries credentials and is never"
                            + " stored or replayed, was '" + configured.get() + "'");
                } else if (!header.matches("[!#$%&'*+.^_`|~0-9a-z-]+")) {
                    problems.add("Invalid " + headersKey + ": '" + name.trim() + "' is not a header name, was '"
                            + configured.get() + "'");
                } else {
                    names.add(header);
                }
            }
            headers = names;
        }
        return new ResponseLimits(maxBytes, headers);
    }

    /** The settings of {@code method}, or {@code null} when it is disabled or has a problem (reported). */
    public IdempotencySettings read(Class<?> beanClass, Method method, Idempotent annotation,
                                    DeploymentProblems problems) {
        String where = RateLimitSettingsReader.describe(beanClass, method);
        String methodPrefix = beanClass.getName() + "/" + method.getName() + "/Idempotent/";
        String classPrefix = beanClass.getName() + "/Idempotent/";
        AnnotationMembers members = new AnnotationMembers(config, "Idempotent",
                List.of(methodPrefix, classPrefix, GLOBAL_PREFIX), where, problems);
        if (!members.bool("enabled", annotation.enabled())) {
            return null;
        }
        int before = problems.messages().size();
        // The scope identifies stored records, so, like a limiter's name, it comes from the annotation only.
        String scope = annotation.name().isEmpty() ? beanClass.getName() + "/" + method.getName() : annotation.name();
        if (!annotation.name().isEmpty() && !NAME.matcher(scope).matches()) {
            members.invalid("name", "must be 1 to 200 characters from [A-Za-z0-9._:/$-]", "'" + scope + "'");
        }
        long ttl = members.number("ttl", annotation.ttl());
        ChronoUnit ttlUnit = members.unit("ttlUnit", annotation.ttlUnit(), TTL_UNITS);
        long maxWait = members.number("maxWait", annotation.maxWait());
        ChronoUnit maxWaitUnit = members.unit("maxWaitUnit", annotation.maxWaitUnit(), WAIT_UNITS);
        boolean keyRequired = members.bool("keyRequired", annotation.keyRequired());
        List<Class<? extends Throwable>> storeFailures = storeFailures(members, method, annotation);
        Idempotent.FailureMode failureMode = members.choice("failureMode", annotation.failureMode(),
                Idempotent.FailureMode.class);
        if (members.unparsable()) {
            return null;
        }

        long ttlMillis = -1;
        if (ttl <= 0) {
            members.invalid("ttl", "must be > 0", ttl);
        } else if (ttlUnit != null) {
            ttlMillis = AnnotationMembers.toMillis(ttl, ttlUnit);
            if (ttlMillis < MIN_TTL_MILLIS || ttlMillis > MAX_TTL_MILLIS) {
                members.invalid("ttl", "ttl x ttlUnit must be between 1 second and 366 days",
                        ttl + " " + ttlUnit.name());
            }
        }
        long maxWaitMillis = 0;
        if (maxWait < 0) {
            members.invalid("maxWait", "must be >= 0", maxWait);
        } else if (maxWaitUnit != null) {
            maxWaitMillis = AnnotationMembers.toMillis(maxWait, maxWaitUnit);
            if (maxWaitMillis > MAX_WAIT_MILLIS) {
                members.invalid("maxWait", "maxWait x maxWaitUnit must be at most 60 seconds",
                        maxWait + " " + maxWaitUnit.name());
            }
        }
        int keyParameter = keyParameter(method, where, problems);
        if (problems.messages().size() != before || ttlUnit == null || maxWaitUnit == null) {
            return null;
        }
        return new IdempotencySettings(scope, ttlMillis, maxWaitMillis, keyRequired, storeFailures, keyParameter,
                failureMode);
    }

    private static List<Class<? extends Throwable>> storeFailures(AnnotationMembers members, Method method,
                                                                  Idempotent annotation) {
        var configured = members.configured("storeFailures");
        if (configured.isEmpty()) {
            return List.of(annotation.storeFailures());
        }
        List<Class<? extends Throwable>> types = new ArrayList<>();
        ClassLoader loader = method.getDeclaringClass().getClassLoader();
        for (String name : configured.get()[0].split(",")) {
            String className = name.trim();
            if (className.isEmpty()) {
                continue;
            }
            try {
                Class<?> type = Class.forName(className, false, loader);
                if (!Throwable.class.isAssignableFrom(type)) {
                    members.invalid("storeFailures", "must name exception classes, but " + className
                            + " is not a Throwable", "'" + configured.get()[0] + "'");
                } else {
                    types.add(type.asSubclass(Throwable.class));
                }
            } catch (ClassNotFoundException | LinkageError e) {
                members.invalid("storeFailures", "must name exception classes, but " + className
                        + " cannot be loaded", "'" + configured.get()[0] + "'");
            }
        }
        return types;
    }

    /** The index of the one {@code @IdempotencyKey} parameter, or -1; several are a problem. */
    private static int keyParameter(Method method, String where, DeploymentProblems problems) {
        int found = -1;
        var parameters = method.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].isAnnotationPresent(IdempotencyKey.class)) {
                if (found >= 0) {
                    problems.add("Invalid @IdempotencyKey on " + where + ": at most one parameter may carry it, was "
                            + Arrays.asList(parameters[found].getName(), parameters[i].getName()));
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }
}
