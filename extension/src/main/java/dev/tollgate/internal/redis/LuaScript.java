package dev.tollgate.internal.redis;

import dev.tollgate.internal.ratelimit.BackendUnavailableException;
import org.redisson.api.RFuture;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A Lua script kept as a resource next to the code that runs it, called with {@code EVALSHA}: one round trip per
 * call. The SHA-1 is computed here, so nothing has to be loaded up front; when the server answers
 * {@code NOSCRIPT} (it restarted, or its script cache was flushed) the call is repeated once with {@code EVAL},
 * which caches the script again.
 *
 * <p>Every call is bounded by {@code timeout}, whatever Redisson's own retries do, and any failure to get an
 * answer becomes a {@link BackendUnavailableException}.
 */
final class LuaScript {

    private final String name;
    private final String source;
    private final String sha;
    private final RScript script;
    private final long timeoutMillis;

    LuaScript(RedissonClient client, String resource, Duration timeout) {
        this.name = resource;
        this.source = load(resource);
        this.sha = sha1(source);
        // Strings in, integers out: StringCodec sends arguments as their text, and integer replies are not decoded.
        this.script = client.getScript(StringCodec.INSTANCE);
        this.timeoutMillis = timeout.toMillis();
    }

    /** Runs the script and returns its array reply. */
    List<Object> run(List<Object> keys, Object... args) {
        try {
            return await(() -> script.evalShaAsync(RScript.Mode.READ_WRITE, sha, RScript.ReturnType.LIST, keys, args));
        } catch (RedisNoScriptException e) {
            return await(() -> script.evalAsync(RScript.Mode.READ_WRITE, source, RScript.ReturnType.LIST, keys, args));
        }
    }

    String sha() {
        return sha;
    }

    private <T> T await(Supplier<RFuture<T>> call) {
        RFuture<T> future = null;
        try {
            future = call.get();
            return future.toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisNoScriptException noScript) {
                throw noScript;
            }
            throw new BackendUnavailableException("Redis failed to run " + name + ": " + cause, cause);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new BackendUnavailableException(
                    "Redis did not answer " + name + " within " + timeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new BackendUnavailableException("Interrupted while waiting for Redis to run " + name, e);
        } catch (RuntimeException e) {
            // Redisson may fail synchronously, e.g. when it has been shut down.
            throw new BackendUnavailableException("Redis failed to run " + name + ": " + e, e);
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
