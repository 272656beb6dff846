package dev.tollgate.internal.redis;

import dev.tollgate.internal.resilience.BackendCircuit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.Codec;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommand;
import org.redisson.client.protocol.RedisCommands;
import org.redisson.command.CommandAsyncExecutor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script kept as a resource next to the code that runs it, called with {@code EVALSHA}: one round trip per
 * call. The SHA-1 is computed here, so nothing has to be loaded up front; when the server answers
 * {@code NOSCRIPT} (it restarted, or its script cache was flushed) the call is repeated once with {@code EVAL},
 * which caches the script again.
 *
 * <p>The command goes through Redisson's command executor rather than {@code RScript}. Measured in
 * {@code benchmarks/} (32 callers, one hot key, 2 cores), {@code RScript.evalShaAsync} cost the client about 20 µs more
 * per call: it builds a new {@code RScript} and copies every argument into a pooled buffer on each call, and, given
 * no routing key, sends the command to the node of slot 0 (on a Redis Cluster, a redirect for most keys). Here the
 * arguments go to the wire as they are ({@link String} as UTF-8, {@code byte[]} verbatim, numbers as decimal text)
 * and the command goes to the node that owns the first key's slot.
 *
 * <p>Every call is bounded by {@code timeout} ({@link BoundedWait}), except {@link #runAsync}, whose caller bounds
 * its own wait.
 *
 * <p>The codec decodes bulk replies: {@link StringCodec} (the default) for scripts that answer text and numbers,
 * {@link org.redisson.client.codec.ByteArrayCodec} for scripts that answer opaque bytes. Integer replies are never
 * decoded by the codec.
 */
final class LuaScript {

    private static final RedisCommand<List<Object>> EVALSHA_LIST = new RedisCommand<>(RedisCommands.EVAL_LIST, "EVALSHA");
    private static final RedisCommand<Boolean> EVALSHA_BOOLEAN = new RedisCommand<>(RedisCommands.EVAL_BOOLEAN, "EVALSHA");

    private final String name;
    private final String source;
    private final String sha;
    private final CommandAsyncExecutor executor;
    private final Codec codec;
    private final BoundedWait wait;

    /** A script whose bulk replies are text ({@link StringCodec}). */
    LuaScript(RedissonClient client, String resource, Duration timeout, BackendCircuit circuit) {
        this(client, resource, timeout, StringCodec.INSTANCE, circuit);
    }

    LuaScript(RedissonClient client, String resource, Duration timeout, Codec codec, BackendCircuit circuit) {
        this.name = resource;
        this.source = load(resource);
        this.sha = sha1(source);
        this.executor = executor(client);
        this.codec = codec;
        this.wait = new BoundedWait(timeout.toMillis(), circuit);
    }

    /** Runs the script and returns its array reply. */
    List<Object> run(List<String> keys, Object... args) {
        return call(EVALSHA_LIST, RedisCommands.EVAL_LIST, keys, args);
    }

    /**
     * Runs the script without waiting for it: the stage completes with its array reply (after one {@code EVAL} if
     * the server answered {@code NOSCRIPT}), or with the failure; the caller bounds its own wait.
     */
    CompletableFuture<List<Object>> runAsync(List<String> keys, Object... args) {
        return send(EVALSHA_LIST, sha, keys, args).exceptionallyCompose(failure ->
                unwrap(failure) instanceof RedisNoScriptException
                        ? send(RedisCommands.EVAL_LIST, source, keys, args)
                        : CompletableFuture.failedFuture(unwrap(failure)));
    }

    private <T> CompletableFuture<T> send(RedisCommand<T> command, String script, List<String> keys, Object[] args) {
        return executor.<T, T>writeAsync(keys.get(0), codec, command, params(script, keys, args)).toCompletableFuture();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Runs a script that answers 1 (true) or 0 (false). */
    boolean test(List<String> keys, Object... args) {
        return call(EVALSHA_BOOLEAN, RedisCommands.EVAL_BOOLEAN, keys, args);
    }

    private <T> T call(RedisCommand<T> bySha, RedisCommand<T> bySource, List<String> keys, Object[] args) {
        try {
            return wait.await(() -> send(bySha, sha, keys, args), name);
        } catch (RedisNoScriptException e) {
            return wait.await(() -> send(bySource, source, keys, args), name);
        }
    }

    /** {@code EVALSHA}'s and {@code EVAL}'s parameters: the script, the number of keys, the keys, the arguments. */
    private static Object[] params(String script, List<String> keys, Object[] args) {
        Object[] params = new Object[2 + keys.size() + args.length];
        params[0] = script;
        params[1] = keys.size();
        int at = 2;
        for (String key : keys) {
            params[at++] = key;
        }
        System.arraycopy(args, 0, params, at, args.length);
        return params;
    }

    /** Every client Tollgate uses is made by {@code Redisson.create}, which is where the executor comes from. */
    private static CommandAsyncExecutor executor(RedissonClient client) {
        if (client instanceof Redisson redisson) {
            return redisson.getCommandExecutor();
        }
        throw new IllegalArgumentException("Tollgate needs a client made by Redisson.create(...), was "
                + client.getClass().getName());
    }

    private static String load(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read script resource " + resource, e);
        }
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
