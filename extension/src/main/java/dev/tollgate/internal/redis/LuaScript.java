package dev.tollgate.internal.redis;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;
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
 */
final class LuaScript {

    private final String name;
    private final String source;
    private final String sha;
    private final RScript script;
    private final BoundedWait wait;

    LuaScript(RedissonClient client, String resource, Duration timeout) {
        this.name = resource;
        this.source = load(resource);
        this.sha = sha1(source);
        // Strings in, integers out: StringCodec sends arguments as their text, and integer replies are not decoded.
        this.script = client.getScript(StringCodec.INSTANCE);
        this.wait = new BoundedWait(timeout.toMillis());
    }

    /** Runs the script and returns its array reply. */
    List<Object> run(List<Object> keys, Object... args) {
        try {
            return wait.await(() -> script.evalShaAsync(RScript.Mode.READ_WRITE, sha, RScript.ReturnType.LIST, keys,
                    args), name);
        } catch (RedisNoScriptException e) {
            return wait.await(() -> script.evalAsync(RScript.Mode.READ_WRITE, source, RScript.ReturnType.LIST, keys,
                    args), name);
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
