package dev.tollgate.internal.cdi;

import dev.tollgate.internal.config.TierSettingsReader;
import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import dev.tollgate.internal.config.IdempotencySettingsReader;
import dev.tollgate.internal.idempotency.IdempotencyEngine;
import dev.tollgate.internal.idempotency.IdempotencyStore;
import dev.tollgate.internal.idempotency.IdempotencyGuard;
import dev.tollgate.internal.idempotency.IdempotentMethod;
import dev.tollgate.internal.idempotency.ResponseLimits;
import dev.tollgate.internal.idempotency.Values;
import dev.tollgate.internal.local.InMemoryIdempotencyStore;
import dev.tollgate.internal.redis.RedisIdempotencyStore;
import dev.tollgate.internal.redis.RedissonClients;
import org.redisson.api.RedissonClient;
import dev.tollgate.internal.config.ConfigValues;
import dev.tollgate.internal.config.DeploymentProblems;
import dev.tollgate.internal.readiness.BackendReadiness;
import dev.tollgate.internal.config.RateLimitSettingsReader;
import dev.tollgate.internal.config.RedisSettingsReader;
import dev.tollgate.internal.ratelimit.TierSettings;
import dev.tollgate.internal.local.InMemoryRateLimitBackend;
import dev.tollgate.internal.metrics.MicroProfileGuardMetrics;
import dev.tollgate.internal.metrics.MicrometerGuardMetrics;
import dev.tollgate.internal.metrics.GuardMetrics;
import dev.tollgate.internal.ratelimit.CallerTiers;
import dev.tollgate.internal.ratelimit.GuardedMethod;
import dev.tollgate.internal.ratelimit.RateLimitGuard;
import dev.tollgate.internal.ratelimit.RateLimitBackend;
import dev.tollgate.internal.ratelimit.RateLimitEnforcer;
import dev.tollgate.PersistentViolation;
import dev.tollgate.RateLimitViolations;
import dev.tollgate.internal.config.ViolationSettingsReader;
import dev.tollgate.internal.local.InMemoryViolationStore;
import dev.tollgate.internal.redis.RedisViolationStore;
import dev.tollgate.internal.violations.TrackedViolations;
import dev.tollgate.internal.violations.ViolationSettings;
import dev.tollgate.internal.violations.ViolationStore;
import dev.tollgate.internal.violations.ViolationTracker;
import dev.tollgate.internal.ratelimit.RateLimitFallback;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.resilience.BreakerSettings;
import dev.tollgate.internal.redis.RedisRateLimitBackend;
import dev.tollgate.internal.redis.RedisSettings;
import dev.tollgate.spi.PartitionKeyResolver;
import dev.tollgate.spi.TierResolver;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import jakarta.annotation.Priority;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.lang.reflect.Method;
import java.time.Duration;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The CDI portable extension behind {@link RateLimit}. Registered in {@code META-INF/services}; it registers its
 * own interceptor and beans, so the jar needs no {@code beans.xml}.
 *
 * <ol>
 *   <li>{@link BeforeBeanDiscovery}: adds the interceptor.</li>
 *   <li>{@link ProcessManagedBean}: notes every business method carrying {@code @RateLimit} (on the method, or
 *       else on its class), for managed beans and session beans alike. This event sees the annotations as other
 *       extensions left them and skips vetoed types.</li>
 *   <li>{@link AfterDeploymentValidation}: resolves every method's settings from annotations and MicroProfile
 *       Config, parses partition keys, validates everything, and fails the deployment listing every problem;
 *       otherwise opens the backend and publishes the {@link RateLimitRuntime} the interceptor reads.</li>
 * </ol>
 */
public class TollgateExtension implements Extension {

    private static final Logger LOG = Logger.getLogger(TollgateExtension.class.getName());

    private final GuardedMethods guarded = new GuardedMethods();
    private final IdempotencyRuntime idempotency = new IdempotencyRuntime();
    private IdempotencyEngine idempotencyEngine;
    private RateLimitEnforcer enforcer;
    /** What {@code RateLimitViolations} reads; {@code null} until deployed, or when tracking is off. */
    private volatile TrackedViolations violations;

    /** {@code RateLimitViolations} while violations are not tracked ({@code tollgate.violations.enabled=false}). */
    private static final RateLimitViolations UNTRACKED = new RateLimitViolations() {
        @Override
        public Duration period() {
            return Duration.ZERO;
        }

        @Override
        public List<Offender> topOffenders(String limiter, int count) {
            return List.of();
        }

        @Override
        public List<Offender> topOffenders(int count) {
            return List.of();
        }
    };
    private Values jsonValues;
    /**
     * The application's resolver beans, by bean class. Captured here because a {@code BeanManager} lookup from
     * this library's archive does not see the beans of {@code WEB-INF/classes} on every server (Payara).
     */
    private final Map<Class<?>, Bean<?>> resolverBeans = new LinkedHashMap<>();
    private final List<Bean<?>> tierResolverBeans = new ArrayList<>();
    private final RateLimitRuntime runtime = new RateLimitRuntime();
    private final BackendReadiness readiness = new BackendReadiness();
    private final CallScheduler scheduler = new CallScheduler();
    private RateLimitBackend backend;
    private RateLimitFallback fallback;
    private boolean applicationDeclaresReadinessCheck;

    void registerTypes(@Observes BeforeBeanDiscovery event, BeanManager beans) {
        add(event, beans, RateLimitInterceptor.class);
        add(event, beans, InterceptorServices.class);
        add(event, beans, IdempotentInterceptor.class);
        add(event, beans, RateLimitStatusBean.class);
        // Each of these is added only where its API exists: loading it elsewhere would fail the deployment.
        if (present("org.eclipse.microprofile.metrics.MetricRegistry")) {
            add(event, beans, MicroProfileGuardMetrics.class);
        }
        if (present("io.micrometer.core.instrument.MeterRegistry")) {
            add(event, beans, MicrometerGuardMetrics.class);
        }
    }

    private static void add(BeforeBeanDiscovery event, BeanManager beans, Class<?> type) {
        event.addAnnotatedType(beans.createAnnotatedType(type), type.getName());
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, TollgateExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        if (event.getBean() instanceof jakarta.enterprise.inject.spi.Interceptor<?>) {
            return; // the interceptor carries its own binding
        }
        AnnotatedType<T> type = event.getAnnotatedBeanClass();
        if (type.isAnnotationPresent(Interceptor.class)) {
            return;
        }
        Class<?> beanClass = event.getBean().getBeanClass();
        if (ReadinessCheckBean.isApplicationSubclass(beanClass)) {
            applicationDeclaresReadinessCheck = true;
        }
        if (PartitionKeyResolver.class.isAssignableFrom(beanClass)) {
            resolverBeans.put(beanClass, event.getBean());
        }
        if (TierResolver.class.isAssignableFrom(beanClass)) {
            tierResolverBeans.add(event.getBean());
        }
        Set<RateLimit> classLimits = type.getAnnotations(RateLimit.class);
        Idempotent classIdempotent = type.getAnnotation(Idempotent.class);
        for (AnnotatedMethod<? super T> annotated : type.getMethods()) {
            Method method = annotated.getJavaMember();
            if (!isBusinessMethod(method)) {
                continue;
            }
            guarded.shapes().note(type, annotated);
            Idempotent idempotent = annotated.isAnnotationPresent(Idempotent.class)
                    ? annotated.getAnnotation(Idempotent.class) : classIdempotent;
            if (idempotent != null) {
                guarded.idempotent(type.getJavaClass(), method, idempotent);
            }
            Set<RateLimit> methodLimits = annotated.getAnnotations(RateLimit.class);
            if (!methodLimits.isEmpty()) {
                guarded.limited(type.getJavaClass(), method,
                        inDeclarationOrder(methodLimits, method.getAnnotationsByType(RateLimit.class)));
            } else if (!classLimits.isEmpty()) {
                guarded.limited(type.getJavaClass(), method, inDeclarationOrder(classLimits,
                        type.getJavaClass().getAnnotationsByType(RateLimit.class)));
            }
        }
    }

    void addRuntime(@Observes AfterBeanDiscovery event, BeanManager beans) {
        event.addBean()
                .beanClass(RateLimitRuntime.class)
                .types(RateLimitRuntime.class, Object.class)
                .scope(Dependent.class)
                .createWith(context -> runtime);
        event.addBean()
                .beanClass(BackendReadiness.class)
                .types(BackendReadiness.class, Object.class)
                .scope(Dependent.class)
                .createWith(context -> readiness);
        event.addBean()
                .beanClass(TrackedViolations.class)
                .types(RateLimitViolations.class, Object.class)
                .scope(Dependent.class)
                .createWith(context -> violations != null ? violations : UNTRACKED);
        event.addBean()
                .beanClass(IdempotencyRuntime.class)
                .types(IdempotencyRuntime.class, Object.class)
                .scope(Dependent.class)
                .createWith(context -> idempotency);
        // Added here rather than at BeforeBeanDiscovery: only now is it known whether the application declared its
        // own subclass (see TollgateReadinessCheck), and there must be exactly one tollgate-redis check.
        if (!applicationDeclaresReadinessCheck && present("org.eclipse.microprofile.health.HealthCheck")) {
            ReadinessCheckBean.add(event, beans);
        }
    }

    /**
     * Resolves and validates every guarded method's settings, then starts the backend. Runs before other
     * extensions' observers of this event, and fails by throwing rather than by {@code addDeploymentProblem}: a
     * throwing observer stops the event, so WildFly's health extension, which registers the deployment's checks
     * with the server when it observes this event, never registers those of a deployment that fails here (and,
     * since a failed deployment is never shut down, would never remove them).
     */
    void prepare(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) AfterDeploymentValidation event,
                 BeanManager beans) {
        Config config = ConfigProvider.getConfig(Thread.currentThread().getContextClassLoader());
        ConfigValues values = key -> config.getOptionalValue(key, String.class).filter(v -> !v.isBlank());
        DeploymentProblems problems = new DeploymentProblems();

        TierSettings tiers = TierSettingsReader.read(values, problems);
        RateLimitSettingsReader reader = new RateLimitSettingsReader(values, tiers,
                RateLimitSettingsReader.slidingWindowMaxLimit(values, problems));
        PartitionKeyFactory keys = new PartitionKeyFactory(values, beans, resolverBeans, problems);
        TierResolver tierResolver = tierResolver(beans, tierResolverBeans, problems);
        Optional<RedisSettings> redis = RedisSettingsReader.read(values, problems);
        IdempotencySettingsReader idempotencyReader = new IdempotencySettingsReader(values);
        guarded.resolve(reader, keys, idempotencyReader, problems);
        Map<Method, GuardedMethod> methods = guarded.limited();
        Map<Method, IdempotentMethod> idempotentMethods = guarded.idempotent();
        long lease = idempotencyReader.leaseMillis(problems);
        ResponseLimits responses = idempotencyReader.responseLimits(problems);
        double localShare = RateLimitSettingsReader.localShare(values, problems);
        BreakerSettings breaker = RedisSettingsReader.breaker(values, problems);
        ViolationSettings violationSettings = ViolationSettingsReader.read(values, problems);

        if (!problems.isEmpty()) {
            throw new DeploymentException(message(problems));
        }
        GuardMetrics metrics = metrics(beans);
        IdempotencyStore store;
        BackendCircuit circuit = null;
        if (redis.isPresent()) {
            // One client (one connection pool) and one circuit breaker for both guards: the rate-limit backend owns
            // the client and closes it last.
            circuit = new BackendCircuit("redis", breaker, metrics);
            metrics.registerBackend("redis", circuit::state);
            RedissonClient client = RedissonClients.create(redis.get());
            Duration timeout = redis.get().operationTimeout();
            backend = new RedisRateLimitBackend(client, true, redis.get().keyPrefix(), timeout, circuit, metrics);
            store = new RedisIdempotencyStore(client, false, redis.get().keyPrefix(), timeout, circuit);
            fallback = new RateLimitFallback(new InMemoryRateLimitBackend(), localShare, metrics);
        } else {
            backend = new InMemoryRateLimitBackend();
            store = new InMemoryIdempotencyStore();
        }
        metrics.register(methods.values().stream().flatMap(m -> m.limits().stream())
                .map(limit -> limit.settings().name()).distinct().toList());
        metrics.registerIdempotency(idempotentMethods.values().stream().map(IdempotentMethod::scope).distinct()
                .toList());
        List<String> limiters = methods.values().stream().flatMap(m -> m.limits().stream())
                .map(limit -> limit.settings().name()).distinct().toList();
        ViolationTracker tracker = null;
        if (violationSettings.enabled()) {
            ViolationStore rankings = redis.isPresent()
                    ? new RedisViolationStore(((RedisRateLimitBackend) backend).client(), redis.get().keyPrefix(),
                            redis.get().operationTimeout(), circuit, violationSettings.top(),
                            violationSettings.periodMillis())
                    : new InMemoryViolationStore(violationSettings.top());
            tracker = new ViolationTracker(violationSettings, rankings, System::currentTimeMillis,
                    violation -> beans.getEvent().select(PersistentViolation.class).fire(violation), metrics);
            violations = new TrackedViolations(tracker, limiters);
        }
        enforcer = new RateLimitEnforcer(backend, fallback, metrics, tracker);
        runtime.publish(methods, new RateLimitGuard(enforcer,
                new CallerTiers(tiers, tierResolver), scheduler));
        readiness.publish(backend, circuit, guarded.servesDuringOutage());
        jsonValues = new Values();
        idempotencyEngine = new IdempotencyEngine(store, lease, metrics, JtaTransactions.lookup(), responses);
        idempotency.publish(idempotentMethods, new IdempotencyGuard(idempotencyEngine, jsonValues));
        LOG.info(() -> "Tollgate: " + methods.size() + " rate-limited and " + idempotentMethods.size()
                + " idempotent method(s), backend " + backend.name()
                + redis.map(r -> " (" + r + "; " + breaker + ")")
                        .orElse(" (no tollgate.redis.address: state is per instance)"));
    }

    void close(@Observes BeforeShutdown event) {
        scheduler.close();
        if (enforcer != null) {
            enforcer.close();
        }
        if (idempotencyEngine != null) {
            idempotencyEngine.close();
        }
        if (jsonValues != null) {
            try {
                jsonValues.close();
            } catch (Exception e) {
                LOG.fine(() -> "Tollgate: closing JSON-B failed: " + e);
            }
        }
        if (fallback != null) {
            fallback.local().close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /**
     * MicroProfile Metrics where the server has it (Payara), else Micrometer (WildFly), else none. An API on the
     * class path is not enough: the implementation must be there too, hence {@link GuardMetrics#available()}.
     */
    private static GuardMetrics metrics(BeanManager beans) {
        for (String type : List.of("dev.tollgate.internal.metrics.MicroProfileGuardMetrics",
                "dev.tollgate.internal.metrics.MicrometerGuardMetrics")) {
            for (Bean<?> bean : beans.getBeans(GuardMetrics.class)) {
                if (bean.getBeanClass().getName().equals(type)) {
                    GuardMetrics metrics = (GuardMetrics) beans.getReference(bean, GuardMetrics.class,
                            beans.createCreationalContext(bean));
                    if (metrics.available()) {
                        return metrics;
                    }
                }
            }
        }
        return GuardMetrics.NONE;
    }

    private static TierResolver tierResolver(BeanManager beans, List<Bean<?>> found, DeploymentProblems problems) {
        if (found.isEmpty()) {
            return null;
        }
        if (found.size() > 1) {
            problems.add("Invalid TierResolver: at most one bean may implement dev.tollgate.spi.TierResolver, found "
                    + found.stream().map(b -> b.getBeanClass().getName()).sorted().toList());
            return null;
        }
        Bean<?> bean = found.get(0);
        return (TierResolver) beans.getReference(bean, TierResolver.class, beans.createCreationalContext(bean));
    }

    private static String message(DeploymentProblems problems) {
        StringBuilder text = new StringBuilder("Tollgate found ").append(problems.messages().size())
                .append(problems.messages().size() == 1 ? " invalid setting:" : " invalid settings:");
        for (String message : problems.messages()) {
            text.append("\n  - ").append(message);
        }
        return text.toString();
    }

    /**
     * The CDI model gives annotations as a set; the order of limits shows in the response headers, so keep the
     * source's order when the annotations are the declared ones (another extension may have changed them).
     */
    private static List<RateLimit> inDeclarationOrder(Set<RateLimit> found, RateLimit[] declared) {
        List<RateLimit> ordered = List.of(declared);
        return found.size() == ordered.size() && found.containsAll(ordered) ? ordered : List.copyOf(found);
    }

    /** Methods an interceptor can apply to: not static, not private, not Object's, not compiler-made. */
    private static boolean isBusinessMethod(Method method) {
        int modifiers = method.getModifiers();
        return !Modifier.isStatic(modifiers) && !Modifier.isPrivate(modifiers) && !method.isSynthetic()
                && !method.isBridge() && method.getDeclaringClass() != Object.class;
    }
}
