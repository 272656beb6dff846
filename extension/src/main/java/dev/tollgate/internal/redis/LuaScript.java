package dev.tollgate.internal.redis;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.Codec;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script kept as a resource next to the code that runs it, called with {@code EVALSHA}: one round trip per
 * call. The SHA-1 is computed here, so nothing has to be loaded up front; when the server answers
 * {@code NOSCRIPT} (it restarted, or its script cache was flushed) the call is repeated once with {@code EVAL},
 * which caches the script again.
 *
 * <p>Every call is bounded by {@code timeout} ({@link BoundedWait}).
 *
 * <p>The codec turns arguments into bytes and bulk replies back: {@link StringCodec} (the default) for scripts
 * that take and return text and numbers, {@link org.redisson.client.codec.ByteArrayCodec} for scripts that carry
 * opaque bytes, whose arguments are then {@code byte[]} too. Integer replies are never decoded by the codec.
 */
final class LuaScript {

    private final String name;
    private final String source;
    private final String sha;
    private final RScript script;
    private final BoundedWait wait;

    /** A script whose arguments and bulk replies are text ({@link StringCodec}). */
    LuaScript(RedissonClient client, String resource, Duration timeout) {
        this(client, resource, timeout, StringCodec.INSTANCE);
    }

    LuaScript(RedissonClient client, String resource, Duration timeout, Codec codec) {
        this.name = resource;
        this.source = load(resource);
        this.sha = sha1(source);
        this.script = client.getScript(codec);
        this.wait = new BoundedWait(timeout.toMillis());
    }

    /** Runs the script and returns its array reply. */
    List<Object> run(List<Object> keys, Object... args) {
        return call(RScript.ReturnType.LIST, keys, args);
    }

    /** Runs a script that answers 1 (true) or 0 (false). */
    boolean test(List<Object> keys, Object... args) {
        return call(RScript.ReturnType.BOOLEAN, keys, args);
    }

    private <T> T call(RScript.ReturnType type, List<Object> keys, Object[] args) {
        try {
            return wait.await(() -> script.evalShaAsync(RScript.Mode.READ_WRITE, sha, type, keys, args), name);
        } catch (RedisNoScriptException e) {
            return wait.await(() -> script.evalAsync(RScript.Mode.READ_WRITE, source, type, keys, args), name);
        }
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
