package dev.tollgate.internal.cdi;

import dev.tollgate.internal.config.ConfigValues;
import dev.tollgate.internal.config.DeploymentProblems;
import dev.tollgate.internal.partition.ForwardingHeader;
import dev.tollgate.internal.partition.InvalidPartitionKeyException;
import dev.tollgate.internal.partition.PartitionKey;
import dev.tollgate.internal.partition.PartitionKeys;
import dev.tollgate.internal.partition.ResolverLookup;
import dev.tollgate.internal.partition.TrustedProxies;
import dev.tollgate.spi.PartitionKeyResolver;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * Parses {@code @RateLimit.key}s at deployment with what they need from the deployment: the trusted proxies of
 * {@code tollgate.trusted-proxies} (and the header they maintain, {@code tollgate.trusted-proxies.header}), the
 * prefix that names an IPv6 client ({@code tollgate.ip.ipv6-prefix}), and
 * resolver classes as CDI beans where they are beans. Problems go to {@link DeploymentProblems}.
 */
final class PartitionKeyFactory {

    private final TrustedProxies proxies;
    private final int ipv6Prefix;
    private final ResolverLookup lookup;
    private final DeploymentProblems problems;

    /** @param resolverBeans the application's managed beans implementing {@link PartitionKeyResolver} */
    PartitionKeyFactory(ConfigValues config, BeanManager beans, Map<Class<?>, Bean<?>> resolverBeans,
                        DeploymentProblems problems) {
        this.problems = problems;
        this.proxies = trustedProxies(config, problems);
        this.ipv6Prefix = ipv6Prefix(config, problems);
        this.lookup = type -> {
            Bean<?> bean = resolverBeans.get(type);
            if (bean == null) {
                return ResolverLookup.instantiate(type);
            }
            return (PartitionKeyResolver) beans.getReference(bean, type, beans.createCreationalContext(bean));
        };
    }

    /** The key, or {@code null} after reporting why {@code spec} is invalid. */
    PartitionKey parse(String spec, Method method, String where) {
        try {
            return PartitionKeys.parse(spec, method, proxies, ipv6Prefix, lookup);
        } catch (InvalidPartitionKeyException e) {
            problems.add("Invalid @RateLimit.key on " + where + ": " + e.getMessage() + ", was '" + spec + "'");
            return null;
        }
    }

    /** {@code tollgate.ip.ipv6-prefix}: 1 to 128 bits, default {@value PartitionKeys#DEFAULT_IPV6_PREFIX}. */
    private static int ipv6Prefix(ConfigValues config, DeploymentProblems problems) {
        String key = "tollgate.ip.ipv6-prefix";
        var configured = config.get(key);
        if (configured.isEmpty()) {
            return PartitionKeys.DEFAULT_IPV6_PREFIX;
        }
        String text = configured.get().trim();
        try {
            int bits = Integer.parseInt(text.startsWith("/") ? text.substring(1) : text);
            if (bits >= 1 && bits <= 128) {
                return bits;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("Invalid " + key + ": must be a whole number of bits from 1 to 128 (e.g. 64 or 56), was '"
                + configured.get() + "'");
        return PartitionKeys.DEFAULT_IPV6_PREFIX;
    }

    private static TrustedProxies trustedProxies(ConfigValues config, DeploymentProblems problems) {
        ForwardingHeader header = ForwardingHeader.X_FORWARDED_FOR;
        String headerKey = "tollgate.trusted-proxies.header";
        var configured = config.get(headerKey);
        if (configured.isPresent()) {
            try {
                header = ForwardingHeader.named(configured.get());
            } catch (IllegalArgumentException e) {
                problems.add("Invalid " + headerKey + ": " + e.getMessage());
            }
        }
        var list = config.get("tollgate.trusted-proxies");
        if (list.isEmpty()) {
            return TrustedProxies.NONE;
        }
        try {
            return TrustedProxies.parse(list.get(), header);
        } catch (IllegalArgumentException e) {
            problems.add("Invalid tollgate.trusted-proxies: " + e.getMessage());
            return TrustedProxies.NONE;
        }
    }
}
