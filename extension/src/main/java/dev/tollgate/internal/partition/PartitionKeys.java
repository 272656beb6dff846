package dev.tollgate.internal.partition;

import dev.tollgate.spi.PartitionKeyResolver;

import java.lang.reflect.Method;
import java.util.Objects;

/**
 * Parses a {@code @RateLimit.key} once, at deployment, into the {@link PartitionKey} its calls use.
 *
 * <table>
 *   <caption>Key sources and their partitions</caption>
 *   <tr><th>key</th><th>partition</th><th>{@link PartitionKey#UNKNOWN} when</th></tr>
 *   <tr><td>{@code ""}</td><td>{@code ""}</td><td>never</td></tr>
 *   <tr><td>{@code principal}</td><td>{@code p:<hash of the name>}</td><td>anonymous</td></tr>
 *   <tr><td>{@code ip}</td><td>{@code ip:<hash of the address>} (IPv6: of its /64, or the configured prefix), see
 *       {@link ClientAddressKey}</td>
 *       <td>not HTTP; the client hop is {@code unknown}</td></tr>
 *   <tr><td>{@code header:<Name>}</td><td>{@code h:<hash of the value>}</td><td>not HTTP; missing or blank</td></tr>
 *   <tr><td>{@code param:<name>[.<property>...]}</td><td>{@code a:<hash of String.valueOf(value)>}</td>
 *       <td>{@code null} on the way</td></tr>
 *   <tr><td>a {@link PartitionKeyResolver} class</td><td>{@code r:<hash of its result>}</td>
 *       <td>it returns {@code null} or {@code ""}</td></tr>
 * </table>
 *
 * <p>Hashes are described in {@link PartitionHash}: 22 base64url characters, so no partition is longer than 25
 * characters or contains a brace.
 */
public final class PartitionKeys {

    private static final String EXPECTED = "expected \"\", principal, ip, header:<Name>, param:<name>[.<property>], "
            + "or a class implementing " + PartitionKeyResolver.class.getName();

    /** How many leading bits of an IPv6 address name a client, unless {@code tollgate.ip.ipv6-prefix} says. */
    public static final int DEFAULT_IPV6_PREFIX = ClientAddressKey.DEFAULT_IPV6_PREFIX;

    private static final PartitionKey SHARED = new SharedKey();
    private static final PartitionKey PRINCIPAL = new PrincipalKey();

    private PartitionKeys() {
    }

    /**
     * The key {@code spec} of a limit on {@code method}.
     *
     * @param spec    the key, exactly as given (no trimming)
     * @param method  the intercepted method, for {@code param:} (its parameter names) and for the class loader that
     *                sees a resolver class
     * @param proxies the trusted proxies, for {@code ip}
     * @param lookup  how to get a resolver instance, for a class name; called here, not per call
     * @throws InvalidPartitionKeyException saying what is wrong with {@code spec}, without repeating it
     */
    public static PartitionKey parse(String spec, Method method, TrustedProxies proxies, ResolverLookup lookup)
            throws InvalidPartitionKeyException {
        return parse(spec, method, proxies, DEFAULT_IPV6_PREFIX, lookup);
    }

    /**
     * The key {@code spec} of a limit on {@code method}, counting IPv6 clients of an {@code ip} key per
     * {@code ipv6Prefix} bits.
     */
    public static PartitionKey parse(String spec, Method method, TrustedProxies proxies, int ipv6Prefix,
                                     ResolverLookup lookup) throws InvalidPartitionKeyException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(proxies, "proxies");
        Objects.requireNonNull(lookup, "lookup");
        if (spec.isEmpty()) {
            return SHARED;
        }
        if (spec.equals("principal")) {
            return PRINCIPAL;
        }
        if (spec.equals("ip")) {
            return new ClientAddressKey(proxies, ipv6Prefix);
        }
        if (spec.startsWith("header:")) {
            return HeaderKey.parse(spec.substring("header:".length()));
        }
        if (spec.startsWith("param:")) {
            return ParameterKey.parse(spec.substring("param:".length()), method);
        }
        return new ResolverKey(lookup.resolverFor(resolverClass(spec, method)));
    }

    private static Class<? extends PartitionKeyResolver> resolverClass(String name, Method method)
            throws InvalidPartitionKeyException {
        if (!isClassName(name)) {
            throw new InvalidPartitionKeyException("unknown key source (" + EXPECTED + ")");
        }
        Class<?> type = load(name, method.getDeclaringClass().getClassLoader());
        if (type == null) {
            type = load(name, Thread.currentThread().getContextClassLoader());
        }
        if (type == null) {
            throw new InvalidPartitionKeyException(
                    (name.indexOf('.') < 0 ? "unknown key source" : "class not found") + " (" + EXPECTED + ")");
        }
        if (!PartitionKeyResolver.class.isAssignableFrom(type)) {
            throw new InvalidPartitionKeyException(
                    type.getName() + " does not implement " + PartitionKeyResolver.class.getName());
        }
        return type.asSubclass(PartitionKeyResolver.class);
    }

    private static Class<?> load(String name, ClassLoader loader) throws InvalidPartitionKeyException {
        if (loader == null) {
            return null;
        }
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            return null;
        } catch (LinkageError e) {
            throw new InvalidPartitionKeyException("class cannot be loaded: " + e, e);
        }
    }

    /** Dot-separated Java identifiers ({@code $} included, as in nested class names). */
    private static boolean isClassName(String name) {
        int start = 0;
        while (true) {
            int end = name.indexOf('.', start);
            if (end < 0) {
                end = name.length();
            }
            if (end == start || !Character.isJavaIdentifierStart(name.charAt(start))) {
                return false;
            }
            for (int i = start + 1; i < end; i++) {
                if (!Character.isJavaIdentifierPart(name.charAt(i))) {
                    return false;
                }
            }
            if (end == name.length()) {
                return true;
            }
            start = end + 1;
        }
    }
}
