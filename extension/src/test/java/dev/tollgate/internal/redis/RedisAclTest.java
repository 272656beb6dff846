package dev.tollgate.internal.redis;

import dev.tollgate.RateLimit.Algorithm;
import dev.tollgate.internal.config.DeploymentProblems;
import dev.tollgate.internal.config.RedisSettingsReader;
import dev.tollgate.internal.idempotency.ClaimOutcome.State;
import dev.tollgate.internal.ratelimit.LimitPolicy;
import dev.tollgate.internal.ratelimit.LimitRequest;
import dev.tollgate.internal.ratelimit.PermitHolders;
import dev.tollgate.internal.ratelimit.RateLimitDecision;
import dev.tollgate.internal.resilience.BackendCircuit;
import dev.tollgate.internal.resilience.BackendUnavailableException;
import dev.tollgate.testing.RedisBinary;
import dev.tollgate.testing.RedisInspector;
import dev.tollgate.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The least-privilege user shipped in {@code server-config/redis/tollgate-acl.conf}, loaded as it is by a real Redis
 * 6.2 and 7.0: Tollgate's Redis backend works as that user (every algorithm, every idempotency operation, the
 * readiness check) with no command refused but Redisson's probe for a cluster proxy, runs every command the line
 * grants and no other, and the user can do nothing else.
 */
class RedisAclTest {

    private static final Path ACL_FILE = Path.of("..", "server-config", "redis", "tollgate-acl.conf")
            .toAbsolutePath().normalize();
    private static final Path SCRIPTS = Path.of("src", "main", "resources", "dev", "tollgate", "internal", "redis");
    private static final String PASSWORD = "change-me";
    private static final long MINUTE = 60_000;

    @ParameterizedTest
    @EnumSource(RedisBinary.class)
    void tollgateWorksAsTheShippedUser(RedisBinary binary) {
        try (RedisServerProcess redis = start(binary);
             RedisInspector admin = new RedisInspector("127.0.0.1", redis.port())) {
            RedisSettings settings = settings(redis.port(), Map.of());
            try (RedisRateLimitBackend backend = RedisRateLimitBackend.connect(settings);
                 RedisIdempotencyStore store = RedisIdempotencyStore.connect(settings)) {
                // The readiness check of both guards.
                assertThatCode(backend::ping).doesNotThrowAnyException();
                assertThatCode(store::ping).doesNotThrowAnyException();

                // Every algorithm, until it refuses: its first call meets NOSCRIPT and is sent again with EVAL.
                for (LimitPolicy policy : List.of(LimitPolicy.window(Algorithm.FIXED_WINDOW, 3, MINUTE),
                        LimitPolicy.window(Algorithm.SLIDING_WINDOW, 3, MINUTE),
                        LimitPolicy.tokenBucket(3, MINUTE, 3))) {
                    List<LimitRequest> limit = List.of(
                            new LimitRequest(policy.algorithm().name(), "user-1", policy, 1));
                    for (int i = 0; i < 3; i++) {
                        assertThat(backend.acquire(limit).permitted()).isTrue();
                    }
                    RateLimitDecision refused = backend.acquire(limit);
                    assertThat(refused.permitted()).isFalse();
                    assertThat(refused.outcome(0).retryAfterMillis()).isPositive();
                    assertThat(backend.peek(limit).permitted()).isFalse();
                }
                // Concurrency permits: taken until refused, renewed, given back (ZREM), taken again.
                LimitPolicy permits = LimitPolicy.concurrency(2, MINUTE);
                LimitRequest first = new LimitRequest("permits", "user-1", permits, 1, PermitHolders.next());
                assertThat(backend.acquire(List.of(first)).permitted()).isTrue();
                assertThat(backend.acquire(List.of(first.heldBy(PermitHolders.next()))).permitted()).isTrue();
                assertThat(backend.acquire(List.of(first.heldBy(PermitHolders.next()))).permitted()).isFalse();
                assertThat(backend.renew(List.of(first))).isTrue();
                backend.release(List.of(first)).join();
                assertThat(backend.peek(List.of(first)).permitted()).isTrue();
                assertThat(backend.acquire(List.of(first.heldBy(PermitHolders.next()))).permitted()).isTrue();
                // The ranking of refused partitions: added to by a script, read through RScoredSortedSet (ZREVRANGE).
                RedisViolationStore violations = new RedisViolationStore(backend.client(), "tollgate",
                        Duration.ofSeconds(5), BackendCircuit.none(), 10, MINUTE);
                assertThat(violations.add("login", 1, Map.of("h:a", 2L)).join()).containsEntry("h:a", 2L);
                assertThat(violations.top("login", 1, 5)).hasSize(1);
                // Several limits on one call, one refusing: the others take back what they took (DEL, DECRBY).
                LimitRequest fixed = new LimitRequest("multi-fixed", "user-2",
                        LimitPolicy.window(Algorithm.FIXED_WINDOW, 10, MINUTE), 1);
                LimitRequest sliding = new LimitRequest("multi-sliding", "user-2",
                        LimitPolicy.window(Algorithm.SLIDING_WINDOW, 10, MINUTE), 1);
                LimitRequest tight = new LimitRequest("multi-bucket", "user-2",
                        LimitPolicy.tokenBucket(1, MINUTE, 1), 1);
                assertThat(backend.acquire(List.of(fixed, sliding, tight)).permitted()).isTrue();
                assertThat(backend.acquire(List.of(fixed, sliding, tight)).permitted()).isFalse();
                LimitRequest fresh = new LimitRequest("multi-fresh", "user-2",
                        LimitPolicy.window(Algorithm.FIXED_WINDOW, 10, MINUTE), 1);
                assertThat(backend.acquire(List.of(fresh, tight)).permitted()).isFalse();
                // Calls decided together in one script, a peek among them (SET of a counter the batch created).
                List<RateLimitDecision> batch = backend.decideInOneScript(
                        List.of(List.of(fresh), List.of(fresh), List.of(sliding)), Set.of(0));
                assertThat(batch).extracting(RateLimitDecision::permitted).containsExactly(true, true, true);

                // Every idempotency operation.
                assertThat(store.claim("k1", "fp", "owner-1", MINUTE).state()).isEqualTo(State.CLAIMED);
                assertThat(store.claim("k1", "fp", "owner-2", MINUTE).state()).isEqualTo(State.IN_PROGRESS);
                assertThat(store.renew("k1", "owner-1", MINUTE)).isTrue();
                assertThat(store.complete("k1", "owner-1", "result".getBytes(StandardCharsets.UTF_8), MINUTE)).isTrue();
                assertThat(store.claim("k1", "fp", "owner-2", MINUTE).result()).asString(StandardCharsets.UTF_8)
                        .isEqualTo("result");
                assertThat(store.claim("k1", "other", "owner-2", MINUTE).state()).isEqualTo(State.MISMATCH);
                assertThat(store.claim("k2", "fp", "owner-3", MINUTE).state()).isEqualTo(State.CLAIMED);
                assertThat(store.release("k2", "owner-3")).isTrue();
            }
            // The workload ran every command the line grants and nothing else (AUTH, which any client may send,
            // aside; PING is Redisson's, checking a new connection). The test's own connection has sent nothing yet.
            Set<String> run = commandsRun(admin);
            run.remove("auth");
            assertThat(run).as("commands run on %s", binary).isEqualTo(granted());
            // Nothing the backend sent was refused, connection set-up included, but for Redisson's probe for a cluster
            // proxy (EVAL reading keys test1 and test2 when it connects, whose refusal it ignores), and it only wrote
            // under the prefix.
            assertThat(refusals(admin)).as("ACL LOG on %s", binary)
                    .allSatisfy(entry -> assertThat(entry).containsEntry("object", "test1")
                            .hasEntrySatisfying("client-info", info -> assertThat(info).contains("cmd=eval ")));
            assertThat(admin.keys()).isNotEmpty().allMatch(key -> key.startsWith("tollgate:"));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisBinary.class)
    void theShippedUserCanDoNothingElse(RedisBinary binary) {
        try (RedisServerProcess redis = start(binary);
             RedisInspector user = new RedisInspector("127.0.0.1", redis.port())) {
            assertThat(user.call("AUTH", "tollgate", PASSWORD)).isEqualTo("OK");
            assertThat(user.call("PING")).isEqualTo("PONG");
            assertThat(user.call("SET", "tollgate:mine", "1")).isEqualTo("OK");
            for (List<String> command : List.of(
                    List.of("GET", "other:key"),
                    List.of("SET", "other:key", "1"),
                    List.of("DEL", "other:key"),
                    List.of("SET", "tollgateX", "1"),
                    // a script is checked command by command: declaring a key under the prefix does not help
                    List.of("EVAL", "return redis.call('SET', 'other:key', 1)", "1", "tollgate:mine"),
                    List.of("EVAL", "return redis.call('GET', KEYS[1])", "1", "other:key"),
                    List.of("EVAL", "return redis.call('FLUSHALL')", "0"),
                    List.of("FLUSHALL"), List.of("FLUSHDB"), List.of("KEYS", "*"), List.of("SCAN", "0"),
                    List.of("CONFIG", "GET", "requirepass"), List.of("CONFIG", "SET", "maxmemory", "1"),
                    List.of("SCRIPT", "FLUSH"), List.of("SCRIPT", "LOAD", "return 1"), List.of("SCRIPT", "KILL"),
                    List.of("ACL", "LIST"),
                    List.of("INFO"), List.of("CLIENT", "LIST"), List.of("SELECT", "1"),
                    List.of("ACL", "SETUSER", "tollgate", "+@all"),
                    List.of("SHUTDOWN"), List.of("PUBLISH", "tollgate:channel", "x"),
                    List.of("SUBSCRIBE", "tollgate:channel"),
                    List.of("HGETALL", "tollgate:mine"), List.of("EXPIRE", "tollgate:mine", "1"))) {
                assertThatThrownBy(() -> user.call(command.toArray(String[]::new)))
                        .as("%s on %s", command, binary)
                        // inside a script, Redis words the refusal as an ERR "The user executing the script can't ..."
                        .hasMessageMatching("(?s).*(NOPERM|The user executing the script can't).*");
            }
        }
    }

    /** Another database than 0 needs +select, which the shipped line does not grant, as its comment says. */
    @ParameterizedTest
    @EnumSource(RedisBinary.class)
    void anotherDatabaseNeedsSelect(RedisBinary binary) {
        try (RedisServerProcess redis = start(binary);
             RedisInspector admin = new RedisInspector("127.0.0.1", redis.port())) {
            try (RedisRateLimitBackend backend = RedisRateLimitBackend.connect(settings(redis.port(),
                    Map.of("tollgate.redis.database", "1", "tollgate.redis.command-timeout", "500")))) {
                assertThatThrownBy(backend::ping).isInstanceOf(BackendUnavailableException.class);
            }
            assertThat(refusals(admin)).anySatisfy(entry -> assertThat(entry).containsEntry("object", "select"));
        }
    }

    /**
     * Least privilege, read off the code: the shipped line grants exactly EVALSHA, EVAL, EXISTS, PING and the commands
     * the Lua scripts call, no command group, and one key pattern.
     */
    @Test
    void theShippedLineGrantsWhatTheCodeUsesAndNothingMore() throws IOException {
        List<String> rules = Arrays.asList(aclLine().split(" "));
        assertThat(rules.subList(0, 3)).containsExactly("user", "tollgate", "on");
        // ZREVRANGE: RScoredSortedSet reading a violation ranking
        Set<String> used = new TreeSet<>(List.of("evalsha", "eval", "exists", "ping", "zrevrange"));
        Pattern call = Pattern.compile("redis\\.call\\('([A-Za-z]+)'");
        try (Stream<Path> scripts = Files.list(SCRIPTS)) {
            for (Path script : scripts.filter(p -> p.toString().endsWith(".lua")).toList()) {
                Matcher matcher = call.matcher(Files.readString(script));
                while (matcher.find()) {
                    used.add(matcher.group(1).toLowerCase());
                }
            }
        }
        assertThat(granted()).isEqualTo(used);
        assertThat(rules.stream().filter(r -> r.startsWith("~") || r.startsWith("%") || r.startsWith("&")))
                .containsExactly("~tollgate:*");
        assertThat(rules).contains("-@all", "resetchannels", "resetkeys")
                .noneMatch(r -> r.startsWith("+@") || r.equals("allkeys") || r.equals("allcommands")
                        || r.equals("allchannels") || r.equals("nopass"));
        assertThat(rules.indexOf("-@all")).isLessThan(rules.indexOf("+evalsha"));
    }

    /** The commands the server has run (scripts' commands included), from {@code INFO commandstats}. */
    private static Set<String> commandsRun(RedisInspector admin) {
        Set<String> commands = new TreeSet<>();
        for (String line : ((String) admin.call("INFO", "commandstats")).split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                commands.add(line.substring("cmdstat_".length(), line.indexOf(':')));
            }
        }
        return commands;
    }

    /** ACL LOG's entries, each as a map of its fields. */
    private static List<Map<String, String>> refusals(RedisInspector admin) {
        List<Map<String, String>> entries = new java.util.ArrayList<>();
        for (Object entry : (List<?>) admin.call("ACL", "LOG")) {
            List<?> fields = (List<?>) entry;
            Map<String, String> map = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                map.put(String.valueOf(fields.get(i)), String.valueOf(fields.get(i + 1)));
            }
            entries.add(map);
        }
        return entries;
    }

    /** The commands the shipped line allows, lower case. */
    private static Set<String> granted() {
        return Arrays.stream(aclLine().split(" ")).filter(r -> r.startsWith("+")).map(r -> r.substring(1))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String aclLine() {
        List<String> lines;
        try {
            lines = Files.readAllLines(ACL_FILE).stream().filter(l -> l.startsWith("user ")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(lines).as("user lines of %s", ACL_FILE).hasSize(1);
        return lines.get(0).trim();
    }

    /** A server that loads the shipped file as it is, with its default user left open for the test's inspection. */
    private static RedisServerProcess start(RedisBinary binary) {
        int port = RedisServerProcess.freePort();
        return RedisServerProcess.start(binary.executable(), RedisServerProcess.newDirectory("acl"), port,
                "port " + port + "\ninclude " + ACL_FILE);
    }

    /** Settings read as a deployment reads them, with the shipped user. */
    private static RedisSettings settings(int port, Map<String, String> more) {
        Map<String, String> values = new HashMap<>(more);
        values.put("tollgate.redis.address", "redis://127.0.0.1:" + port);
        values.put("tollgate.redis.username", "tollgate");
        values.put("tollgate.redis.password", PASSWORD);
        DeploymentProblems problems = new DeploymentProblems();
        Optional<RedisSettings> settings = RedisSettingsReader.read(key -> Optional.ofNullable(values.get(key)),
                problems);
        assertThat(problems.messages()).isEmpty();
        return settings.orElseThrow();
    }
}
