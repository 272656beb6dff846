package dev.tollgate.internal.partition;

import dev.tollgate.internal.ForAll;
import dev.tollgate.internal.RandomText;
import dev.tollgate.internal.call.CallRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tollgate.internal.ForAll.check;
import static dev.tollgate.internal.partition.ClientAddressKeyTest.UNKNOWN;
import static dev.tollgate.internal.partition.ClientAddressKeyTest.client;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClientAddressKey} over a whole request: behind trusted proxies the client is the rightmost hop that is no
 * trusted proxy, and whatever a request holds, the client is an address written in it (or unknown).
 */
class ClientAddressKeyProperties {

    private static final Pattern ADDRESS_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

    private enum Kind { TRUSTED, UNTRUSTED, UNKNOWN, GARBAGE }

    @Test
    void behindTrustedProxiesTheClientIsTheRightmostHopThatIsNoTrustedProxy() {
        check(ClientAddressKeyProperties::chain,
                chain -> assertThat(client(chain.proxies, chain.request())).isEqualTo(chain.expected));
    }

    @Test
    void aConnectionFromAnUntrustedAddressIsTheClientWhateverTheHeadersSay() {
        check(random -> {
            Chain chain = chain(random);
            byte[] remote = untrusted(random, chain.ranges);
            if (remote == null) {
                return null;
            }
            return new Chain(chain.proxies, chain.ranges, AddressTexts.write(random, remote), chain.headers,
                    AddressTexts.canonical(remote));
        }, chain -> {
            if (chain != null) {
                assertThat(client(chain.proxies, chain.request())).isEqualTo(chain.expected);
            }
        });
    }

    @Test
    void whateverTheRequestHoldsTheClientIsAnAddressWrittenInIt() {
        check(random -> {
            Chain chain = chain(random);
            List<String> headers = new ArrayList<>(chain.headers);
            for (int i = 1; i < headers.size(); i += 2) {
                switch (random.nextInt(3)) {
                    case 0 -> headers.set(i, RandomText.arbitrary(random));
                    case 1 -> headers.set(i, RandomText.nearMiss(random, headers.get(i),
                            AddressTexts.LITERAL_ALPHABET + ",;=\"\\ for_unknow"));
                    default -> {
                    }
                }
            }
            String remote = random.nextInt(4) == 0 ? RandomText.arbitrary(random) : chain.remote;
            return new Chain(chain.proxies, chain.ranges, remote, headers, null);
        }, chain -> {
            String client = client(chain.proxies, chain.request());
            if (!client.equals(UNKNOWN)) {
                assertThat(addressesWrittenIn(chain)).as("the addresses in %s", chain).contains(client);
            }
        });
    }

    /**
     * Every address the request could be said to hold: each run of the characters of IP literals, and the run
     * before its last colon (an IPv4 address with a port), in the headers with quoted-pair escapes removed and in
     * the connection's address.
     */
    private static List<String> addressesWrittenIn(Chain chain) {
        StringBuilder text = new StringBuilder(String.valueOf(chain.remote));
        for (int i = 1; i < chain.headers.size(); i += 2) {
            text.append('\n').append(chain.headers.get(i).replace("\\", ""));
        }
        List<String> addresses = new ArrayList<>();
        Matcher run = ADDRESS_CHARACTERS.matcher(text);
        while (run.find()) {
            String candidate = run.group();
            for (String literal : new String[] {candidate,
                    candidate.substring(0, Math.max(0, candidate.lastIndexOf(':')))}) {
                byte[] address = IpLiterals.parse(literal);
                if (address != null) {
                    addresses.add(IpLiterals.format(address));
                }
            }
        }
        return addresses;
    }

    /**
     * Trusted ranges, a connection from a trusted proxy, and a chain of hops in the header those proxies maintain
     * (sometimes split over several lines, sometimes next to the other header as a decoy), with the client the
     * documentation promises.
     */
    static Chain chain(Random random) {
        List<TrustedProxiesProperties.Range> ranges = new ArrayList<>();
        StringBuilder list = new StringBuilder();
        for (int r = random.nextInt(3); r >= 0; r--) {
            TrustedProxiesProperties.Range range = TrustedProxiesProperties.range(random);
            if (range.prefix() < 4) {
                continue; // trusting (nearly) everyone leaves no client to find
            }
            ranges.add(range);
            list.append(range.text()).append(", ");
        }
        if (ranges.isEmpty()) {
            ranges.add(TrustedProxiesProperties.range(random));
            list.append(ranges.get(0).text());
            if (ranges.get(0).prefix() < 4) {
                ranges.set(0, new TrustedProxiesProperties.Range(new byte[] {10, 0, 0, 0}, 8, "10.0.0.0/8", false));
                list.setLength(0);
                list.append("10.0.0.0/8");
            }
        }
        ForwardingHeader header = RandomText.oneOf(random, ForwardingHeader.values());
        TrustedProxies proxies = TrustedProxies.parse(list.toString(), header);
        byte[] remote = trusted(random, ranges);

        List<Kind> kinds = new ArrayList<>();
        List<byte[]> addresses = new ArrayList<>();
        for (int h = random.nextInt(6); h > 0; h--) {
            Kind kind = RandomText.oneOf(random, Kind.TRUSTED, Kind.TRUSTED, Kind.TRUSTED, Kind.UNTRUSTED,
                    Kind.UNTRUSTED, Kind.UNKNOWN, Kind.GARBAGE);
            byte[] address = kind == Kind.TRUSTED ? trusted(random, ranges)
                    : kind == Kind.UNTRUSTED ? untrusted(random, ranges) : null;
            if (kind == Kind.UNTRUSTED && address == null) {
                kind = Kind.GARBAGE;
            }
            kinds.add(kind);
            addresses.add(address);
        }

        boolean forwarded = header == ForwardingHeader.FORWARDED
                || header == ForwardingHeader.FORWARDED_ELSE_X_FORWARDED_FOR && !kinds.isEmpty() && random.nextBoolean();
        List<String> hops = new ArrayList<>();
        for (int h = 0; h < kinds.size(); h++) {
            hops.add(forwarded ? forwardedElement(random, kinds.get(h), addresses.get(h))
                    : xForwardedForEntry(random, kinds.get(h), addresses.get(h)));
        }
        List<String> headers = new ArrayList<>();
        String name = forwarded ? "Forwarded" : "X-Forwarded-For";
        if (hops.isEmpty()) {
            if (random.nextBoolean()) {
                headers.add(name);
                headers.add(RandomText.oneOf(random, " ", " , ", ","));
            }
        } else {
            // contiguous pieces, one header line each, in order
            int start = 0;
            while (start < hops.size()) {
                int end = start + 1 + random.nextInt(hops.size() - start);
                headers.add(name);
                headers.add(String.join(forwarded ? ForwardedSyntaxProperties.separator(random, ',') : ", ",
                        hops.subList(start, end)));
                start = end;
            }
        }
        if (random.nextBoolean() && (forwarded || header != ForwardingHeader.FORWARDED_ELSE_X_FORWARDED_FOR)) {
            // the header the proxies do not maintain, or that comes second: never read here
            headers.add(forwarded ? "X-Forwarded-For" : "Forwarded");
            byte[] decoy = AddressTexts.address(random);
            headers.add(forwarded ? AddressTexts.write(random, decoy) : "for=\"" + AddressTexts.write(random, decoy) + "\"");
        }

        String expected = AddressTexts.canonical(remote);
        for (int h = kinds.size() - 1; h >= 0; h--) {
            Kind kind = kinds.get(h);
            if (kind == Kind.TRUSTED) {
                expected = AddressTexts.canonical(addresses.get(h));
                continue;
            }
            expected = switch (kind) {
                case UNTRUSTED -> AddressTexts.canonical(addresses.get(h));
                case UNKNOWN -> UNKNOWN;
                default -> AddressTexts.canonical(remote);
            };
            break;
        }
        return new Chain(proxies, ranges, remoteText(random, remote), headers, expected);
    }

    private static String xForwardedForEntry(Random random, Kind kind, byte[] address) {
        String entry = switch (kind) {
            case TRUSTED, UNTRUSTED -> {
                if (address.length == 4 && random.nextBoolean()) {
                    yield AddressTexts.dotted(address, 0) + RandomText.oneOf(random, "", ":" + random.nextInt(65536));
                }
                yield random.nextBoolean() ? AddressTexts.write(random, address)
                        : "[" + AddressTexts.write(random, AddressTexts.mapped(address)) + "]"
                                + RandomText.oneOf(random, "", ":" + random.nextInt(65536));
            }
            case UNKNOWN -> RandomText.anyCase(random, "unknown");
            default -> {
                String garbage;
                do {
                    garbage = AddressTexts.notALiteral(random).replace(",", "");
                } while (garbage.isBlank() || garbage.strip().equalsIgnoreCase("unknown")
                        || ForwardedSyntaxProperties.X_FORWARDED_FOR_NODE.matcher(garbage.strip()).matches());
                yield garbage;
            }
        };
        return RandomText.oneOf(random, "", " ", "\t") + entry;
    }

    private static String forwardedElement(Random random, Kind kind, byte[] address) {
        String port = RandomText.oneOf(random, "", ":" + random.nextInt(65536), ":_p" + random.nextInt(9));
        String node = switch (kind) {
            case TRUSTED, UNTRUSTED -> address.length == 4 && random.nextBoolean()
                    ? AddressTexts.dotted(address, 0) + port
                    : random.nextInt(4) == 0 ? AddressTexts.write(random, address)
                    : "[" + AddressTexts.write(random, AddressTexts.mapped(address)) + "]" + port;
            case UNKNOWN -> random.nextInt(4) == 0 ? null
                    : RandomText.oneOf(random, RandomText.anyCase(random, "unknown"), "_hidden" + random.nextInt(99))
                            + (random.nextBoolean() ? "" : port);
            default -> {
                String garbage;
                do {
                    garbage = AddressTexts.notALiteral(random);
                } while (ForwardedSyntaxProperties.noAddress(garbage)
                        || ForwardedSyntaxProperties.FORWARDED_NODE.matcher(garbage).matches());
                yield garbage;
            }
        };
        List<String> pairs = new ArrayList<>();
        if (node != null) {
            pairs.add(RandomText.anyCase(random, "for") + "=" + ForwardedSyntaxProperties.value(random, node));
        }
        if (node == null || random.nextBoolean()) {
            pairs.add(random.nextInt(pairs.size() + 1), RandomText.oneOf(random, "proto=https", "by=10.0.0.1",
                    "host=\"example.com:443\""));
        }
        return String.join(ForwardedSyntaxProperties.separator(random, ';'), pairs);
    }

    /** The connection's address as servers write it: any writing, IPv6 sometimes in brackets or with a zone. */
    private static String remoteText(Random random, byte[] address) {
        String text = AddressTexts.write(random, address);
        if (text.contains(":") && random.nextInt(3) == 0) {
            return random.nextBoolean() ? "[" + text + "]" : text + "%eth0";
        }
        return text;
    }

    private static byte[] trusted(Random random, List<TrustedProxiesProperties.Range> ranges) {
        TrustedProxiesProperties.Range range = RandomText.oneOf(random, ranges);
        byte[] address = range.network().clone();
        for (int bit = range.prefix(); bit < address.length * 8; bit++) {
            if (random.nextBoolean()) {
                address[bit / 8] ^= (byte) (0x80 >>> bit % 8);
            }
        }
        return AddressTexts.unmapped(address);
    }

    private static byte[] untrusted(Random random, List<TrustedProxiesProperties.Range> ranges) {
        for (int attempt = 0; attempt < 20; attempt++) {
            byte[] address = AddressTexts.address(random);
            if (ranges.stream().noneMatch(range -> range.contains(address))) {
                return address;
            }
        }
        return null;
    }

    record Chain(TrustedProxies proxies, List<TrustedProxiesProperties.Range> ranges, String remote,
                 List<String> headers, String expected) {

        CallRequest request() {
            return FakeCalls.request(remote, headers.toArray(String[]::new));
        }

        @Override
        public String toString() {
            StringBuilder shown = new StringBuilder("proxies " + proxies.ranges() + " via " + proxies.header()
                    + ", connection from " + ForAll.show(remote));
            for (int i = 0; i < headers.size(); i += 2) {
                shown.append(", ").append(headers.get(i)).append(": ")
                        .append(ForAll.show(headers.get(i + 1)));
            }
            return shown + (expected == null ? "" : ", expected client " + expected);
        }
    }
}
