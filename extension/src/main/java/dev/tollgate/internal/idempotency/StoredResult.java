package dev.tollgate.internal.idempotency;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a completed call left to replay, and its byte form in the store. One of:
 * <ul>
 *   <li>{@link Value}: a CDI or EJB method's return value as JSON (JSON-B), read back as the method's generic return
 *       type;</li>
 *   <li>{@link Failure}: a stored exception's type and message, thrown again on replay;</li>
 *   <li>{@link Response}: an HTTP response's status, allow-listed headers and body bytes;</li>
 *   <li>{@link Oversized}: an HTTP response whose body exceeded the configured cap: the call ran and must not run
 *       again, but its body was not kept.</li>
 * </ul>
 * The form is a one-byte tag followed by length-prefixed fields; never Java serialization.
 */
public sealed interface StoredResult {

    byte VALUE = 'V';
    byte FAILURE = 'F';
    byte RESPONSE = 'H';
    byte OVERSIZED = 'O';

    byte[] encode();

    record Value(byte[] json) implements StoredResult {
        @Override
        public byte[] encode() {
            return write(out -> {
                out.writeByte(VALUE);
                out.write(json);
            });
        }
    }

    record Failure(String type, String message) implements StoredResult {
        @Override
        public byte[] encode() {
            return write(out -> {
                out.writeByte(FAILURE);
                text(out, type);
                out.writeBoolean(message != null);
                if (message != null) {
                    text(out, message);
                }
            });
        }
    }

    /** @param headers name and value pairs, in order; a name may repeat */
    record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) implements StoredResult {
        public Response {
            headers = List.copyOf(headers);
        }

        @Override
        public byte[] encode() {
            return write(out -> {
                out.writeByte(RESPONSE);
                out.writeShort(status);
                out.writeInt(headers.size());
                for (Map.Entry<String, String> header : headers) {
                    text(out, header.getKey());
                    text(out, header.getValue());
                }
                out.writeInt(body.length);
                out.write(body);
            });
        }
    }

    /** @param size the body's size in bytes, as far as it was counted */
    record Oversized(int status, long size) implements StoredResult {
        @Override
        public byte[] encode() {
            return write(out -> {
                out.writeByte(OVERSIZED);
                out.writeShort(status);
                out.writeLong(size);
            });
        }
    }

    static StoredResult decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte tag = in.readByte();
            switch (tag) {
                case VALUE:
                    return new Value(in.readAllBytes());
                case FAILURE: {
                    String type = text(in);
                    return new Failure(type, in.readBoolean() ? text(in) : null);
                }
                case RESPONSE: {
                    int status = in.readUnsignedShort();
                    int count = in.readInt();
                    List<Map.Entry<String, String>> headers = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        headers.add(Map.entry(text(in), text(in)));
                    }
                    byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    return new Response(status, headers, body);
                }
                case OVERSIZED:
                    return new Oversized(in.readUnsignedShort(), in.readLong());
                default:
                    throw new IllegalStateException("Unknown stored idempotency result, tag " + tag);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Corrupt stored idempotency result (" + bytes.length + " bytes)", e);
        }
    }

    private static void text(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String text(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @FunctionalInterface
    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }
}
