package dev.tollgate.internal.idempotency;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;

import java.lang.reflect.Constructor;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Return values and arguments of CDI and EJB methods as JSON (JSON-B, never Java serialization): a stored value is
 * read back as the method's generic return type, so a {@code List<Payment>} comes back as a list of
 * {@code Payment}; arguments are fingerprinted through the same form.
 */
public final class Values implements AutoCloseable {

    private final Jsonb jsonb = JsonbBuilder.create();

    /** The stored form of {@code value}, returned by a method of {@code type}. */
    public StoredResult.Value store(Object value, Type type) {
        String json = value == null ? "null" : jsonb.toJson(value, type);
        return new StoredResult.Value(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The value a stored result stands for, as {@code type}. */
    public Object read(StoredResult.Value stored, Type type) {
        String json = new String(stored.json(), StandardCharsets.UTF_8);
        return json.equals("null") ? null : jsonb.fromJson(json, type);
    }

    /**
     * A fingerprint of {@code arguments}: each as JSON, or, when JSON-B cannot write it, its class name (such an
     * argument is then not compared).
     */
    public String fingerprint(Object[] arguments) {
        byte[][] parts = new byte[arguments.length][];
        for (int i = 0; i < arguments.length; i++) {
            parts[i] = json(arguments[i]).getBytes(StandardCharsets.UTF_8);
        }
        return Digests.fingerprint(parts);
    }

    private String json(Object argument) {
        if (argument == null) {
            return "null";
        }
        try {
            return jsonb.toJson(argument);
        } catch (JsonbException | UnsupportedOperationException e) {
            return "<" + argument.getClass().getName() + ">";
        }
    }

    /**
     * Rebuilds a stored failure to throw again: an instance of the stored type with the stored message where the
     * type has a public {@code (String)} or no-argument constructor, else an {@link IllegalStateException} that
     * names both.
     */
    public static Throwable rebuild(StoredResult.Failure failure, ClassLoader loader) {
        try {
            return instantiate(Class.forName(failure.type(), false, loader), failure.message());
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return new IllegalStateException("Replayed failure " + failure.type() + ": " + failure.message());
        }
    }

    private static Throwable instantiate(Class<?> type, String message) throws ReflectiveOperationException {
        try {
            Constructor<?> withMessage = type.getConstructor(String.class);
            return (Throwable) withMessage.newInstance(message);
        } catch (NoSuchMethodException e) {
            return (Throwable) type.getConstructor().newInstance();
        }
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
