package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.call.CallRequest;

import java.util.List;
import java.util.Objects;

import static dev.tollgate.internal.partition.ForwardedSyntax.GARBAGE;
import static dev.tollgate.internal.partition.ForwardedSyntax.UNKNOWN_HOP;

/**
 * {@code ip}: the client's address.
 *
 * <p>The connection's address ({@code getRemoteAddr()}) is the client, unless it is a trusted proxy. Then the
 * proxies' forwarding header is read from the right, the end the nearest proxy wrote: addresses of trusted proxies
 * are skipped and the first other address is the client. Entries further left were written by the client itself
 * and are never looked at, so a client cannot choose its partition by sending the header. If every entry is a
 * trusted proxy, the leftmost one is the client.
 *
 * <ul>
 *   <li>no HTTP request, or a connection address that is not an IP literal: {@link PartitionKey#UNKNOWN};</li>
 *   <li>the hop that would be the client is {@code unknown}, obfuscated or missing: {@link PartitionKey#UNKNOWN};</li>
 *   <li>the header is missing, or is not well formed where it is read: the connection's address (the proxy's).</li>
 * </ul>
 *
 * <p>Addresses are compared and hashed in one canonical form, so {@code ::1} and {@code 0:0:0:0:0:0:0:1} are one
 * client, and an IPv4-mapped IPv6 address is its IPv4 address. Nothing is ever resolved through DNS.
 *
 * <p>An IPv6 client is counted per prefix ({@code tollgate.ip.ipv6-prefix}, default {@value #DEFAULT_IPV6_PREFIX}
 * bits): a home or cloud connection gets a whole /64 and can rotate through its 2<sup>64</sup> addresses, so
 * counting each address on its own would not limit it. IPv4 addresses are counted one by one. The prefix applies to
 * the partition only; trusted proxies are matched on the full address.
 *
 * @param ipv6Prefix how many leading bits of an IPv6 address name its client, 1 to 128
 */
record ClientAddressKey(TrustedProxies proxies, int ipv6Prefix) implements PartitionKey {

    static final String SOURCE = "ip";
    /** A /64 is the smallest block a provider assigns to one subscriber (RFC 6177). */
    static final int DEFAULT_IPV6_PREFIX = 64;

    private static final String FORWARDED = "Forwarded";
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";

    ClientAddressKey {
        Objects.requireNonNull(proxies, "proxies");
        if (ipv6Prefix < 1 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("an IPv6 prefix has 1 to 128 bits, was " + ipv6Prefix);
        }
    }

    ClientAddressKey(TrustedProxies proxies) {
        this(proxies, DEFAULT_IPV6_PREFIX);
    }

    @Override
    public String resolve(Call call) {
        String client = clearValue(call);
        return client == null ? UNKNOWN : PartitionHash.of(SOURCE, client);
    }

    /** The client's address (for IPv6, its prefix), as the partition counts it. */
    @Override
    public String clearValue(Call call) {
        CallRequest request = call.request();
        byte[] client = request == null ? null : clientAddress(request);
        return client == null ? null : clientName(client);
    }

    /** The address, or for IPv6 its prefix: {@code 2001:db8:1:2::/64}. */
    String clientName(byte[] address) {
        if (address.length == 4 || ipv6Prefix == 128) {
            return IpLiterals.format(address);
        }
        byte[] prefix = address.clone();
        int fullBytes = ipv6Prefix / 8;
        int restBits = ipv6Prefix % 8;
        if (restBits > 0) {
            prefix[fullBytes] &= (byte) (0xFF << (8 - restBits));
            fullBytes++;
        }
        for (int b = fullBytes; b < prefix.length; b++) {
            prefix[b] = 0;
        }
        return IpLiterals.format(prefix) + "/" + ipv6Prefix;
    }

    /** The client's address, or {@code null} when it is unknown. */
    byte[] clientAddress(CallRequest request) {
        byte[] remote = remoteAddress(request.remoteAddress());
        if (remote == null || !proxies.contains(remote)) {
            return remote;
        }
        byte[] client = switch (proxies.header()) {
            case FORWARDED -> walk(request, FORWARDED, true);
            case X_FORWARDED_FOR -> walk(request, X_FORWARDED_FOR, false);
            case FORWARDED_ELSE_X_FORWARDED_FOR -> {
                byte[] forwarded = walk(request, FORWARDED, true);
                yield forwarded != null ? forwarded : walk(request, X_FORWARDED_FOR, false);
            }
        };
        if (client == null || client == GARBAGE) {
            return remote;
        }
        return client == UNKNOWN_HOP ? null : client;
    }

    /**
     * The client named by {@code header}: an address, {@link ForwardedSyntax#UNKNOWN_HOP},
     * {@link ForwardedSyntax#GARBAGE}, or {@code null} when the header names no hop at all.
     */
    private byte[] walk(CallRequest request, String header, boolean forwarded) {
        // one line is the usual case; proxies that add a line instead of appending are read line by line
        List<String> lines = request.headers(header);
        if (lines.isEmpty()) {
            return null;
        }
        byte[] leftmostProxy = null;
        for (int l = lines.size() - 1; l >= 0; l--) {
            List<String> hops = forwarded
                    ? ForwardedSyntax.forwardedHops(lines.get(l))
                    : ForwardedSyntax.xForwardedForHops(lines.get(l));
            if (hops == null) {
                return GARBAGE;
            }
            for (int h = hops.size() - 1; h >= 0; h--) {
                byte[] hop = forwarded
                        ? ForwardedSyntax.forwardedAddress(hops.get(h))
                        : ForwardedSyntax.xForwardedForAddress(hops.get(h));
                if (hop == GARBAGE || hop == UNKNOWN_HOP || !proxies.contains(hop)) {
                    return hop;
                }
                leftmostProxy = hop;
            }
        }
        return leftmostProxy;
    }

    /**
     * The connection's address as servers report it: a literal, possibly bracketed, possibly with an IPv6 zone
     * ({@code fe80::1%eth0}), which says which interface and is dropped.
     */
    private static byte[] remoteAddress(String remote) {
        if (remote == null) {
            return null;
        }
        int from = 0;
        int to = remote.length();
        if (to > 1 && remote.charAt(0) == '[' && remote.charAt(to - 1) == ']') {
            from = 1;
            to--;
        }
        int zone = remote.indexOf('%', from);
        if (zone >= 0 && zone < to) {
            to = zone;
        }
        return IpLiterals.parse(remote, from, to);
    }

    @Override
    public boolean readsRequest() {
        return true;
    }
}
