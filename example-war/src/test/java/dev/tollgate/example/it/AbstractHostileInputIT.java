package dev.tollgate.example.it;

import static dev.tollgate.internal.redis.RateLimitKeys.limiterId;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.example.it.probe.HostileInputResource;
import dev.tollgate.example.it.probe.PrincipalProbeResource;
import dev.tollgate.example.it.probe.TestUserAuthentication;
import dev.tollgate.example.it.support.RawHttp;
import dev.tollgate.example.it.support.RawHttp.Answer;
import dev.tollgate.example.it.support.RedisForTestClass;
import dev.tollgate.example.it.support.TestArchives;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisProcess;

/**
 * Hostile input, end to end on a real Redis: forwarding headers, idempotency keys, header and parameter keys,
 * request bodies and principal scope, every case on one deployment. Each case checks the status, that an error is
 * {@code application/problem+json}, that no answer carries a stack trace, an HTML error page or an exception's
 * text, and what Redis holds afterwards: a refused request stores and consumes nothing, an admitted one consumes one
 * permit in the partition docs/algorithms.md documents.
 *
 * <p>The deployment trusts {@code 127.0.0.1} and {@code ::1} as proxies, reading {@code Forwarded} and else
 * {@code X-Forwarded-For}. The cases of an untrusted peer are sent from {@code 127.0.0.2}, another loopback
 * address, which the same deployment does not trust.
 */
@ExtendWith({RedisForTestClass.class, ArquillianExtension.class})
public abstract class AbstractHostileInputIT {

    static final String UNTRUSTED_PEER = "127.0.0.2";
    static final String UNKNOWN = "?";
    static final int MEGABYTE = 1_000_000;

    /** Started by the deployment method, stopped by {@link RedisForTestClass} after the class. */
    static RedisProcess redis;

    @ArquillianResource
    protected URL base;

    /** The largest request header block the server's HTTP parser accepts; beyond it the server answers 4xx itself. */
    protected abstract int maxHeaderBlockBytes();

    /** Whether the server's HTTP parser accepts obs-text (bytes 0x80 to 0xFF) in a header value. */
    protected abstract boolean acceptsObsText();

    /**
     * Whether the server's HTTP parser ends a field line at a bare CR or LF (and ignores the rest) instead of
     * refusing the request.
     */
    protected abstract boolean endsFieldLinesAtBareCrOrLf();

    /** The largest request body the server reads; beyond it the server answers 4xx itself. */
    protected abstract long maxBodyBytes();

    @Deployment(testable = false)
    static WebArchive hostileWar() {
        redis = RedisForTestClass.start();
        return TestArchives.withConfig(TestArchives.exampleWar("hostile-input.war"),
                        "tollgate.redis.address=" + redis.address(),
                        "tollgate.trusted-proxies=127.0.0.1,::1",
                        "tollgate.trusted-proxies.header=forwarded-else-x-forwarded-for")
                .addClasses(HostileInputResource.class, HostileInputResource.Tenant.class,
                        TestUserAuthentication.class, PrincipalProbeResource.class);
    }

    // ---- forwarding headers: which partition of the `ip` limit a request consumes

    static Stream<Arguments> forwardingFromATrustedProxy() {
        String thousandHops = IntStream.range(0, 999).mapToObj(i -> "10." + (i / 250) + "." + (i % 250) + ".1")
                .collect(Collectors.joining(", ")) + ", 198.51.100.77";
        return Stream.of(
                forwarding("no forwarding header: the proxy itself", ip("127.0.0.1")),
                forwarding("X-Forwarded-For one address", ip("203.0.113.7"), "X-Forwarded-For", "203.0.113.7"),
                forwarding("X-Forwarded-For a thousand hops: the rightmost", ip("198.51.100.77"),
                        "X-Forwarded-For", thousandHops),
                forwarding("X-Forwarded-For trusted hops skipped", ip("203.0.113.7"),
                        "X-Forwarded-For", "198.51.100.1, 203.0.113.7, 127.0.0.1, ::1"),
                forwarding("X-Forwarded-For only trusted hops: the leftmost", ip("127.0.0.1"),
                        "X-Forwarded-For", "127.0.0.1, ::1"),
                forwarding("X-Forwarded-For garbage: the peer", ip("127.0.0.1"),
                        "X-Forwarded-For", "<script>alert(1)</script>"),
                forwarding("X-Forwarded-For garbage right of an address: the peer", ip("127.0.0.1"),
                        "X-Forwarded-For", "203.0.113.7, not-an-address"),
                forwarding("X-Forwarded-For garbage left of an address: the address", ip("203.0.113.7"),
                        "X-Forwarded-For", "not-an-address, 203.0.113.7"),
                forwarding("X-Forwarded-For IPv4 with a port", ip("203.0.113.7"),
                        "X-Forwarded-For", "203.0.113.7:8080"),
                forwarding("X-Forwarded-For bracketed IPv6 with a port: its /64", ip("2001:db8::/64"),
                        "X-Forwarded-For", "[2001:DB8:0:0::1]:443"),
                forwarding("X-Forwarded-For IPv6 with a zone: garbage, the peer", ip("127.0.0.1"),
                        "X-Forwarded-For", "fe80::1%eth0"),
                forwarding("X-Forwarded-For IPv4-mapped IPv6 is the IPv4 client", ip("203.0.113.7"),
                        "X-Forwarded-For", "::ffff:203.0.113.7"),
                forwarding("X-Forwarded-For 999.1.1.1: garbage, the peer", ip("127.0.0.1"),
                        "X-Forwarded-For", "999.1.1.1"),
                forwarding("X-Forwarded-For unknown: the unknown partition", UNKNOWN, "X-Forwarded-For", "unknown"),
                forwarding("X-Forwarded-For empty entries dropped", ip("203.0.113.7"),
                        "X-Forwarded-For", " , 203.0.113.7 ,, "),
                forwarding("X-Forwarded-For on two lines: the last line's rightmost", ip("198.51.100.1"),
                        "X-Forwarded-For", "203.0.113.7", "X-Forwarded-For", "198.51.100.1"),
                forwarding("Forwarded for= an address", ip("203.0.113.7"), "Forwarded", "for=203.0.113.7"),
                forwarding("Forwarded quoted IPv6 with a port: its /64", ip("2001:db8::/64"),
                        "Forwarded", "for=\"[2001:db8::5:1]:4711\""),
                forwarding("Forwarded several elements and parameters", ip("198.51.100.1"),
                        "Forwarded", "for=203.0.113.7;proto=https;by=10.0.0.1, For=\"198.51.100.1\", for=127.0.0.1"),
                forwarding("Forwarded obfuscated identifier: the unknown partition", UNKNOWN,
                        "Forwarded", "for=_hidden, for=127.0.0.1"),
                forwarding("Forwarded unknown: the unknown partition", UNKNOWN, "Forwarded", "for=unknown"),
                forwarding("Forwarded without for: the unknown partition", UNKNOWN, "Forwarded", "proto=https"),
                forwarding("Forwarded unterminated quote: the peer", ip("127.0.0.1"),
                        "Forwarded", "for=\"203.0.113.7"),
                forwarding("Forwarded quoted string with escapes: garbage, the peer", ip("127.0.0.1"),
                        "Forwarded", "for=\"\\\"203.0.113.7\\\\\""),
                forwarding("Forwarded for twice in one element: the peer", ip("127.0.0.1"),
                        "Forwarded", "for=203.0.113.7;for=198.51.100.1"),
                forwarding("Forwarded wins over X-Forwarded-For", ip("203.0.113.7"),
                        "Forwarded", "for=203.0.113.7", "X-Forwarded-For", "198.51.100.1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forwardingFromATrustedProxy")
    void forwardingHeaderFromATrustedProxy(String name, List<byte[]> headers, String partition) {
        if (headers.stream().mapToInt(line -> line.length + 2).sum() > maxHeaderBlockBytes()) {
            assertRefusedByTheServer(() -> raw().send("POST", "api/probe/hostile/ip", headers, null));
            return;
        }
        assertConsumesOne("hostile-ip", partition,
                () -> raw().send("POST", "api/probe/hostile/ip", headers, null));
    }

    static Stream<Arguments> forwardingFromAnUntrustedPeer() {
        return Stream.of(
                forwarding("no forwarding header", ip(UNTRUSTED_PEER)),
                forwarding("X-Forwarded-For ignored", ip(UNTRUSTED_PEER), "X-Forwarded-For", "203.0.113.7"),
                forwarding("X-Forwarded-For unknown ignored", ip(UNTRUSTED_PEER), "X-Forwarded-For", "unknown"),
                forwarding("X-Forwarded-For naming a trusted proxy ignored", ip(UNTRUSTED_PEER),
                        "X-Forwarded-For", "127.0.0.1"),
                forwarding("Forwarded ignored", ip(UNTRUSTED_PEER), "Forwarded", "for=203.0.113.7"),
                forwarding("Forwarded obfuscated ignored", ip(UNTRUSTED_PEER), "Forwarded", "for=_hidden"),
                forwarding("Forwarded broken ignored", ip(UNTRUSTED_PEER), "Forwarded", "for=\"[::1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forwardingFromAnUntrustedPeer")
    void forwardingHeaderFromAnUntrustedPeer(String name, List<byte[]> headers, String partition) {
        assertConsumesOne("hostile-ip", partition,
                () -> raw().from(UNTRUSTED_PEER).send("POST", "api/probe/hostile/ip", headers, null));
    }

    // ---- Idempotency-Key

    static Stream<Arguments> invalidIdempotencyKeys() {
        return Stream.of(
                key("empty", line("Idempotency-Key", "")),
                key("256 characters", line("Idempotency-Key", "k".repeat(256))),
                key("quoted, 256 characters", line("Idempotency-Key", "\"" + "k".repeat(256) + "\"")),
                key("a space", line("Idempotency-Key", "two words")),
                key("a tab", line("Idempotency-Key", "tab\there")),
                key("control character U+0001", line("Idempotency-Key", "ctl\u0001here")),
                key("DEL", line("Idempotency-Key", "del\u007fhere")),
                key("bare CR", line("Idempotency-Key", "cr-" + unique(12) + "\rhere")),
                key("bare LF", line("Idempotency-Key", "lf-" + unique(12) + "\nhere")),
                key("obs-fold continuation line", line("Idempotency-Key", "folded\r\n here")),
                key("non-ASCII UTF-8", bytes("Idempotency-Key: cl\u00e9-\u00fc".getBytes(StandardCharsets.UTF_8))),
                key("obs-text bytes", bytes(new byte[] {'I', 'd', 'e', 'm', 'p', 'o', 't', 'e', 'n', 'c', 'y', '-',
                        'K', 'e', 'y', ':', ' ', 'k', (byte) 0xff, (byte) 0x80})),
                key("quoted, unterminated", line("Idempotency-Key", "\"open")),
                key("quoted, invalid escape", line("Idempotency-Key", "\"a\\nb\"")),
                key("sf-list of two strings", line("Idempotency-Key", "\"a\", \"b\"")),
                key("sent twice, different values",
                        line("Idempotency-Key", "first-" + UUID.randomUUID()),
                        line("Idempotency-Key", "second-" + UUID.randomUUID())),
                key("sent twice, same value", line("Idempotency-Key", "same"), line("Idempotency-Key", "same")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidIdempotencyKeys")
    void anInvalidIdempotencyKeyIsRefusedAndNothingIsStored(String name, List<byte[]> headers) {
        List<byte[]> lines = new ArrayList<>(headers);
        lines.add(line("Content-Type", "application/json"));
        long orders = orderCount();
        Map<String, String> before = redisState();

        if (endsFieldLinesAtBareCrOrLf() && name.startsWith("bare ")) {
            // the server reads the key up to the CR or LF: a valid key, and an ordinary order
            Answer answer = raw().send("POST", "api/orders", lines, json("{\"item\":\"book\"}"));
            assertThat(answer.status()).as("%s", answer).isEqualTo(201);
            assertClean(answer);
            assertThat(orderCount()).isEqualTo(orders + 1);
            return;
        }
        Answer answer = raw().send("POST", "api/orders", lines, json("{\"item\":\"book\"}"));

        if (answer.body().isEmpty() && answer.header("Content-Type") == null && breaksHttpGrammar(headers)) {
            // the server's HTTP parser refused the request before any application code saw it
            assertThat(answer.status()).as("%s", answer).isEqualTo(400);
        } else {
            assertProblem(answer, 400);
        }
        assertThat(redisState()).as("Redis after %s", name).isEqualTo(before);
        assertThat(orderCount()).isEqualTo(orders);
    }

    /**
     * On a method that is also rate limited, the limits are decided first (their interceptor runs before the
     * idempotency one), so a request refused for its key has counted one call; it stores nothing.
     */
    @Test
    void anInvalidKeyOnALimitedMethodCountsOneCallAndStoresNothing() {
        long remaining = remainingAfterValidJsonCall();
        Map<String, String> before = redisState();

        Answer answer = raw().send("POST", "api/probe/hostile/json", List.of(line("Idempotency-Key", "k".repeat(256)),
                line("Content-Type", "application/json")), json("{\"item\":\"book\"}"));

        assertProblem(answer, 400);
        assertThat(redisState().keySet()).as("no idempotency record").isEqualTo(before.keySet());
        assertThat(remainingAfterValidJsonCall()).isEqualTo(remaining - 2);
    }

    static Stream<Arguments> validIdempotencyKeys() {
        return Stream.of(
                Arguments.of("255 characters", line("Idempotency-Key", "k".repeat(240) + unique(15))),
                Arguments.of("quoted, with escapes", line("Idempotency-Key", "\"a \\\"quoted\\\" \\\\ " + unique(8)
                        + "\"")),
                Arguments.of("every visible ASCII character", line("Idempotency-Key",
                        IntStream.rangeClosed(0x21, 0x7e).mapToObj(c -> String.valueOf((char) c))
                                .collect(Collectors.joining()) + unique(8))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validIdempotencyKeys")
    void aValidKeyAtTheLimitsIsStoredAndReplayed(String name, byte[] keyLine) {
        List<byte[]> lines = List.of(keyLine, line("Content-Type", "application/json"));
        long orders = orderCount();

        Answer first = raw().send("POST", "api/orders", lines, json("{\"item\":\"book\"}"));
        Answer again = raw().send("POST", "api/orders", lines, json("{\"item\":\"book\"}"));

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertClean(first);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(orderCount()).isEqualTo(orders + 1);
    }

    // ---- header: keys

    static Stream<Arguments> headerKeys() {
        String eightKilobytes = "v".repeat(7_000) + unique(8);
        return Stream.of(
                Arguments.of("missing: the unknown partition", List.of(), (Object) UNKNOWN),
                Arguments.of("empty: the unknown partition", List.of(line("X-Tenant", "")), UNKNOWN),
                Arguments.of("blank: the unknown partition", List.of(line("X-Tenant", "   \t ")), UNKNOWN),
                Arguments.of("7 KB value: its own partition", List.of(line("X-Tenant", eightKilobytes)),
                        partition("h", eightKilobytes)),
                Arguments.of("obs-text bytes: their own partition (ISO-8859-1)",
                        List.of(bytes(new byte[] {'X', '-', 'T', 'e', 'n', 'a', 'n', 't', ':', ' ', 'a', (byte) 0xe9,
                                (byte) 0xff, (byte) 0x80})),
                        partition("h", "a\u00e9\u00ff\u0080")),
                Arguments.of("repeated: the first value", List.of(line("X-Tenant", "alpha"), line("X-Tenant", "beta")),
                        partition("h", "alpha")),
                Arguments.of("a list in one line: the whole line", List.of(line("X-Tenant", "alpha, beta")),
                        partition("h", "alpha, beta")),
                Arguments.of("braces and a colon: hashed", List.of(line("X-Tenant", "}{tollgate:*")),
                        partition("h", "}{tollgate:*")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headerKeys")
    void headerKey(String name, List<byte[]> headers, String partition) {
        if (!acceptsObsText() && headers.stream().anyMatch(AbstractHostileInputIT::hasObsText)) {
            assertRefusedByTheServer(() -> raw().send("POST", "api/probe/hostile/header", headers, null));
            return;
        }
        assertConsumesOne("hostile-header", partition,
                () -> raw().send("POST", "api/probe/hostile/header", headers, null));
    }

    // ---- param: keys

    static Stream<Arguments> parameterKeys() {
        return Stream.of(
                Arguments.of("missing (null): the unknown partition", "", UNKNOWN),
                Arguments.of("a value: its own partition", "?tenant=acme", partition("a", "acme")),
                Arguments.of("empty: the empty value's partition", "?tenant=", partition("a", "")),
                Arguments.of("a NUL character: its own partition", "?tenant=a%00b", partition("a", "a\u0000b")),
                Arguments.of("the getter throws: the unknown partition, not a 500", "?tenant=!boom", UNKNOWN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameterKeys")
    void parameterKey(String name, String query, String partition) {
        assertConsumesOne("hostile-param", partition,
                () -> raw().send("POST", "api/probe/hostile/param" + query, List.of(), null));
    }

    // ---- bodies of an idempotent resource: refused, nothing claimed, consumed or stored, and a fixed retry works

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                body("0 bytes", new byte[0]),
                body("an array of a number", json("[1]")),
                body("an empty array", json("[]")),
                body("null", json("null")),
                body("a string", json("\"book\"")),
                body("malformed: unterminated object", json("{")),
                body("malformed: a trailing comma", json("{\"item\":\"book\",}")),
                body("malformed: a single-quoted string", json("{\"item\":'book'}")),
                body("item missing", json("{\"quantity\":2}")),
                body("item a number", json("{\"item\":5}")),
                body("item null", json("{\"item\":null}")),
                body("item an object", json("{\"item\":{\"name\":\"book\"}}")),
                body("item empty", json("{\"item\":\"\"}")),
                body("quantity a string", json("{\"item\":\"book\",\"quantity\":\"two\"}")),
                body("quantity a fraction", json("{\"item\":\"book\",\"quantity\":1.5}")),
                body("quantity huge", json("{\"item\":\"book\",\"quantity\":1e999999999}")),
                body("quantity zero", json("{\"item\":\"book\",\"quantity\":0}")),
                body("nested ten thousand deep", json("[".repeat(10_000) + "]".repeat(10_000))),
                body("10 MB of garbage", json("x".repeat(10 * MEGABYTE))),
                body("11 MiB of garbage", json("x".repeat(11 << 20))),
                body("10 MB item", json("{\"item\":\"" + "b".repeat(10 * MEGABYTE) + "\"}")));
    }

    @ParameterizedTest(name = "orders: {0}")
    @MethodSource("invalidBodies")
    void anInvalidOrderIsRefusedAndItsKeyStaysFree(String name, byte[] body) {
        String key = "body-" + UUID.randomUUID();
        long orders = orderCount();
        Map<String, String> before = redisState();

        Answer answer = raw().send("POST", "api/orders", jsonHeaders(key), body);

        if (body.length > maxBodyBytes()) {
            // the server refuses to read it; the application never sees the request
            assertThat(answer.status()).as("%s", answer).isBetween(400, 499);
            assertClean(answer);
        } else {
            assertProblem(answer, 400);
        }
        assertThat(redisState()).as("Redis after %s", name).isEqualTo(before);
        assertThat(orderCount()).isEqualTo(orders);

        Answer fixed = raw().send("POST", "api/orders", jsonHeaders(key), json("{\"item\":\"book\",\"quantity\":2}"));
        assertThat(fixed.status()).as(fixed.body()).isEqualTo(201);
        assertThat(fixed.header("Idempotent-Replayed")).isNull();
        assertThat(orderCount()).isEqualTo(orders + 1);
    }

    /** Bodies JAX-RS cannot read as JSON: the resource method is never called. */
    static Stream<Arguments> unreadableBodies() {
        return invalidBodies().filter(arguments -> ((String) arguments.get()[0]).matches("malformed.*|nested.*|10 MB of.*"));
    }

    @ParameterizedTest(name = "limited and idempotent: {0}")
    @MethodSource("unreadableBodies")
    void anUnreadableBodyConsumesNoPermitAndClaimsNoKey(String name, byte[] body) {
        String key = "limited-" + UUID.randomUUID();
        long remaining = remainingAfterValidJsonCall();
        Map<String, String> before = redisState();

        Answer answer = raw().send("POST", "api/probe/hostile/json", jsonHeaders(key), body);

        assertProblem(answer, 400);
        assertThat(redisState()).as("Redis after %s", name).isEqualTo(before);
        assertThat(remainingAfterValidJsonCall()).isEqualTo(remaining - 1);
        assertFixedRetryRuns(key);
    }

    /** Well-formed JSON the method refuses: it ran, so its limit counts the call, but the key is released. */
    static Stream<Arguments> bodiesTheMethodRefuses() {
        return Stream.of(
                body("an array of a number", json("[1]")),
                body("an empty array", json("[]")),
                body("null", json("null")),
                body("item missing", json("{\"quantity\":2}")),
                body("item a number", json("{\"item\":5}")),
                body("10 MB item", json("{\"item\":\"" + "b".repeat(10 * MEGABYTE) + "\"}")));
    }

    @ParameterizedTest(name = "limited and idempotent: {0}")
    @MethodSource("bodiesTheMethodRefuses")
    void aBodyTheMethodRefusesCountsOneCallAndStoresNothing(String name, byte[] body) {
        String key = "refused-" + UUID.randomUUID();
        long remaining = remainingAfterValidJsonCall();
        Map<String, String> before = redisState();

        Answer answer = raw().send("POST", "api/probe/hostile/json", jsonHeaders(key), body);

        assertProblem(answer, 400);
        Map<String, String> after = redisState();
        assertThat(after.keySet()).as("no idempotency record after %s", name).isEqualTo(before.keySet());
        assertThat(remainingAfterValidJsonCall()).isEqualTo(remaining - 2);
        assertFixedRetryRuns(key);
    }

    private void assertFixedRetryRuns(String key) {
        Answer fixed = raw().send("POST", "api/probe/hostile/json", jsonHeaders(key), json("{\"item\":\"book\"}"));
        assertThat(fixed.status()).as(fixed.body()).isEqualTo(200);
        assertThat(fixed.header("Idempotent-Replayed")).isNull();
    }

    /**
     * What both servers' JSON-P readers (Parsson) let through: they stop after the first complete value, and decode
     * bytes that are not UTF-8 as U+FFFD. The order is then an ordinary one.
     */
    static Stream<Arguments> bodiesTheJsonReadersTolerate() {
        return Stream.of(
                body("trailing bytes after the object", json("{\"item\":\"book\"} x")),
                body("bytes that are not UTF-8", new byte[] {'{', '"', 'i', 't', 'e', 'm', '"', ':', '"', (byte) 0xff,
                        (byte) 0xfe, '"', '}'}));
    }

    @ParameterizedTest(name = "orders: {0}")
    @MethodSource("bodiesTheJsonReadersTolerate")
    void aBodyTheJsonReaderToleratesIsAnOrdinaryOrder(String name, byte[] body) {
        long orders = orderCount();

        Answer answer = raw().send("POST", "api/orders", jsonHeaders("tolerated-" + UUID.randomUUID()), body);

        assertThat(answer.status()).as("%s", answer).isEqualTo(201);
        assertClean(answer);
        assertThat(orderCount()).isEqualTo(orders + 1);
    }

    static Stream<Arguments> invalidMessages() {
        return Stream.of(
                body("0 bytes", new byte[0]),
                body("an empty array", json("[]")),
                body("malformed", json("{\"chat\":")),
                body("chat a number", json("{\"chat\":42,\"text\":\"hello\"}")),
                body("text missing", json("{\"chat\":\"42\"}")),
                body("text of 2001 characters", json("{\"chat\":\"42\",\"text\":\"" + "t".repeat(2001) + "\"}")));
    }

    @ParameterizedTest(name = "messages: {0}")
    @MethodSource("invalidMessages")
    void anInvalidMessageIsRefusedAndNothingIsSent(String name, byte[] body) {
        long sent = sentCount();
        Map<String, String> before = redisState();

        Answer answer = raw().send("POST", "api/messages", List.of(line("Content-Type", "application/json")), body);

        assertProblem(answer, 400);
        assertThat(redisState()).as("Redis after %s", name).isEqualTo(before);
        assertThat(sentCount()).isEqualTo(sent);
    }

    @Test
    void aBodyOfAnotherMediaTypeIsRefused() {
        Map<String, String> before = redisState();

        Answer answer = raw().send("POST", "api/orders", List.of(line("Idempotency-Key", unique(20)),
                line("Content-Type", "text/plain")), json("{\"item\":\"book\"}"));

        assertProblem(answer, 415);
        assertThat(redisState()).isEqualTo(before);
    }

    // ---- principal scope

    @Test
    void anAnonymousCallerReusingAnAuthenticatedCallersKeyGetsNoReplay() {
        String key = "principal-" + UUID.randomUUID();

        Answer alice = raw().send("POST", "api/probe/principal",
                List.of(line(TestUserAuthentication.HEADER, "alice"), line("Idempotency-Key", key)), null);
        Answer anonymous = raw().send("POST", "api/probe/principal", List.of(line("Idempotency-Key", key)), null);
        Answer blank = raw().send("POST", "api/probe/principal",
                List.of(line(TestUserAuthentication.HEADER, " "), line("Idempotency-Key", key)), null);
        Answer aliceAgain = raw().send("POST", "api/probe/principal",
                List.of(line(TestUserAuthentication.HEADER, "alice"), line("Idempotency-Key", key)), null);

        assertThat(alice.status()).as(alice.body()).isEqualTo(200);
        assertThat(alice.body()).endsWith(" for alice");
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.body()).endsWith(" for anonymous");
        assertThat(anonymous.header("Idempotent-Replayed")).isNull();
        assertThat(blank.body()).as("a blank user is anonymous: the anonymous caller's replay")
                .isEqualTo(anonymous.body());
        assertThat(aliceAgain.body()).isEqualTo(alice.body());
        assertThat(aliceAgain.header("Idempotent-Replayed")).isEqualTo("true");
    }

    // ---- assertions

    /** The request answers 200 and consumes exactly one permit of {@code limiter}, in {@code partition}. */
    private void assertConsumesOne(String limiter, String partition, Supplier<Answer> request) {
        Map<String, String> before = redisState();

        Answer answer = request.get();

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertClean(answer);
        Map<String, String> after = redisState();
        Set<String> changed = new HashSet<>(after.keySet());
        changed.addAll(before.keySet());
        changed.removeIf(key -> Objects.equals(before.get(key), after.get(key)));
        String expected = "tollgate:{" + partition + "}" + limiterId(Algorithm.FIXED_WINDOW, limiter);
        assertThat(changed).as("keys changed; expected one of the partition %s", partition).hasSize(1)
                .allMatch(key -> key.startsWith(expected) && key.length() == expected.length() + 1,
                        "the counter " + expected + "<0-2>");
        String key = changed.iterator().next();
        assertThat(Long.parseLong(after.get(key)))
                .isEqualTo(before.containsKey(key) ? Long.parseLong(before.get(key)) + 1 : 1);
    }

    /** The server's own HTTP layer refused the request (a 4xx, no HTML, nothing leaked); nothing was consumed. */
    private void assertRefusedByTheServer(Supplier<Answer> request) {
        Map<String, String> before = redisState();

        Answer answer = request.get();

        assertThat(answer.status()).as("%s", answer).isBetween(400, 499);
        assertClean(answer);
        assertThat(redisState()).isEqualTo(before);
    }

    private static boolean hasObsText(byte[] line) {
        for (byte b : line) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** Bytes that RFC 9112 does not allow in a field line: controls (but HTAB), DEL, or obs-text. */
    private static boolean breaksHttpGrammar(List<byte[]> lines) {
        for (byte[] line : lines) {
            for (byte b : line) {
                if (b < 0 || b == 0x7f || (b < 0x20 && b != '\t')) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        assertThat(answer.header("Content-Type")).as("%s", answer).startsWith("application/problem+json");
        assertThat(answer.body()).as("%s", answer).containsPattern("\"status\"\\s*:\\s*" + status);
        assertClean(answer);
    }

    private static final Pattern LEAK = Pattern.compile(
            "(?i)<html|<!doctype|exception|\\bat [a-z]+\\.|\\bcaused by|(java|jakarta|org|com)\\.[a-z]+\\.|\\.java:");

    /** No stack trace, no HTML error page, no exception's text. */
    private static void assertClean(Answer answer) {
        String start = answer.body().length() > 2000 ? answer.body().substring(0, 2000) : answer.body();
        Matcher leak = LEAK.matcher(start);
        assertThat(leak.find()).as("a leak (%s) in %s", leak.find(0) ? leak.group() : "", answer).isFalse();
        assertThat(String.valueOf(answer.header("Content-Type"))).as("%s", answer).doesNotContain("html");
    }

    // ---- state

    /** Every key in Redis with its content (a counter's value; other types by size). */
    private static Map<String, String> redisState() {
        try (RedisInspector inspector = redis.inspector()) {
            Map<String, String> state = new TreeMap<>();
            for (String key : inspector.keys()) {
                String type = String.valueOf(inspector.call("TYPE", key));
                state.put(key, switch (type) {
                    case "string" -> String.valueOf(inspector.call("GET", key));
                    case "hash" -> "hash of " + inspector.call("HLEN", key);
                    case "zset" -> "zset of " + inspector.call("ZCARD", key);
                    default -> type;
                });
            }
            return state;
        }
    }

    private long orderCount() {
        return count(raw().send("GET", "api/orders/count", List.of(), null), "orders");
    }

    private long sentCount() {
        return count(raw().send("GET", "api/messages/sent", List.of(), null), "sent");
    }

    private static long count(Answer answer, String name) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(answer.body());
        assertThat(matcher.find()).as(answer.body()).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private long remainingAfterValidJsonCall() {
        Answer answer = raw().send("POST", "api/probe/hostile/json", jsonHeaders("valid-" + UUID.randomUUID()),
                json("{\"item\":\"book\"}"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return Long.parseLong(answer.header("X-RateLimit-Remaining"));
    }

    private RawHttp raw() {
        return RawHttp.to(base);
    }

    // ---- building cases

    private static Arguments forwarding(String name, String partition, String... headers) {
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            lines.add(line(headers[i], headers[i + 1]));
        }
        return Arguments.of(name, lines, partition);
    }

    private static Arguments key(String name, byte[]... lines) {
        return Arguments.of(name, Arrays.asList(lines));
    }

    private static Arguments body(String name, byte[] body) {
        return Arguments.of(name, body);
    }

    private static List<byte[]> jsonHeaders(String key) {
        return List.of(line("Idempotency-Key", key), line("Content-Type", "application/json"));
    }

    private static byte[] line(String name, String value) {
        return RawHttp.line(name, value);
    }

    private static byte[] bytes(byte[] line) {
        return line;
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String unique(int length) {
        return UUID.randomUUID().toString().replace("-", "").substring(0, length);
    }

    /**
     * The partition of an IPv4 address, or of an IPv6 prefix ({@code 2001:db8::/64}, the default
     * {@code tollgate.ip.ipv6-prefix}), as {@code ClientAddressKey} writes it.
     */
    private static String ip(String canonicalAddress) {
        return partition("ip", canonicalAddress);
    }

    /** {@code PartitionHash.of}: the source, ':', and 128 bits of SHA-256 over the value in unpadded base64url. */
    static String partition(String source, String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return source + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
