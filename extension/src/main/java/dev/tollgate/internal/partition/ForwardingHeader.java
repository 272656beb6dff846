package dev.tollgate.internal.partition;

import java.util.Locale;

/**
 * Which request header the trusted proxies record the client's address in, for the {@code ip} key source.
 *
 * <p>Only a header that the proxies themselves set (or append to) is safe to read: a header they pass through
 * untouched is whatever the client wrote. Most proxies (nginx, HAProxy, AWS load balancers) maintain only
 * {@code X-Forwarded-For} and forward a client's own {@code Forwarded} header as is, so reading {@code Forwarded}
 * behind them would let every client pick its own partition.
 */
public enum ForwardingHeader {

    /** RFC 7239 {@code Forwarded: for=...}. */
    FORWARDED,

    /** {@code X-Forwarded-For}. */
    X_FORWARDED_FOR,

    /**
     * {@code Forwarded} when the request has it, otherwise {@code X-Forwarded-For}. Safe only when the proxies
     * set or strip {@code Forwarded} on every request.
     */
    FORWARDED_ELSE_X_FORWARDED_FOR;

    /**
     * The header named by a configuration value: {@code forwarded}, {@code x-forwarded-for} or
     * {@code forwarded-else-x-forwarded-for}, in any case.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static ForwardingHeader named(String name) {
        String constant = name.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (ForwardingHeader header : values()) {
            if (header.name().equals(constant)) {
                return header;
            }
        }
        throw new IllegalArgumentException(
                "expected forwarded, x-forwarded-for or forwarded-else-x-forwarded-for, was '" + name + "'");
    }
}
