package dev.tollgate.internal.jaxrs;

import dev.tollgate.internal.idempotency.Digests;
import dev.tollgate.internal.idempotency.HttpFingerprint;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static dev.tollgate.internal.jaxrs.Fakes.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyBodyDigestTest {

    @Test
    void theEntityProviderGetsTheBodyUnchanged() throws IOException {
        Read read = read("{\"item\":\"book\"}", in -> new String(readAll(in), StandardCharsets.UTF_8));

        assertThat(read.entity).isEqualTo("{\"item\":\"book\"}");
        MessageDigest whole = Digests.sha256();
        whole.update("{\"item\":\"book\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(read.digest()).isEqualTo(Digests.textOfStreamedPart(whole, 15));
    }

    @Test
    void theDigestCoversWhatTheProviderLeftUnread() throws IOException {
        Function<InputStream, Object> firstByteOnly = in -> {
            try {
                return in.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };

        assertThat(read("{\"item\":\"book\"}", firstByteOnly).digest())
                .isEqualTo(read("{\"item\":\"book\"}", IdempotencyBodyDigestTest::readAll).digest())
                .isNotEqualTo(read("{\"item\":\"lamp\"}", firstByteOnly).digest());
    }

    @Test
    void aProviderThatClosesTheStreamEarlyStillGetsTheWholeBodyDigested() throws IOException {
        Function<InputStream, Object> readsOneByteAndCloses = in -> {
            try (in) {
                return in.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };

        assertThat(read("{\"item\":\"book\"}", readsOneByteAndCloses).digest())
                .isEqualTo(read("{\"item\":\"book\"}", IdempotencyBodyDigestTest::readAll).digest());
    }

    @Test
    void bodiesThatDifferOnlyInLengthDiffer() throws IOException {
        assertThat(read("", IdempotencyBodyDigestTest::readAll).digest())
                .isNotEqualTo(read("\0", IdempotencyBodyDigestTest::readAll).digest());
    }

    @Test
    void aBodyTheProviderCannotReadFailsAsItWouldWithoutTollgateAndLeavesNoDigest() {
        Map<String, Object> properties = new HashMap<>();

        assertThatThrownBy(() -> read("[1]", in -> {
            throw new IllegalArgumentException("Cannot read JSON object, found JSON array");
        }, properties)).isInstanceOf(IllegalArgumentException.class);
        assertThat(properties).isEmpty();
    }

    private record Read(Object entity, Map<String, Object> properties) {
        Object digest() {
            return properties.get(HttpFingerprint.BODY_DIGEST);
        }
    }

    private static Read read(String body, Function<InputStream, Object> provider) throws IOException {
        return read(body, provider, new HashMap<>());
    }

    private static Read read(String body, Function<InputStream, Object> provider, Map<String, Object> properties)
            throws IOException {
        InputStream[] stream = {new ServerStream(body.getBytes(StandardCharsets.UTF_8))};
        ReaderInterceptorContext context = proxy(ReaderInterceptorContext.class, (method, args) -> switch (method) {
            case "getInputStream" -> stream[0];
            case "setInputStream" -> {
                stream[0] = (InputStream) args[0];
                yield null;
            }
            case "setProperty" -> {
                properties.put((String) args[0], args[1]);
                yield null;
            }
            case "proceed" -> provider.apply(stream[0]);
            default -> throw new UnsupportedOperationException(method);
        });
        return new Read(new IdempotencyBodyDigest().aroundReadFrom(context), properties);
    }

    /** Like a server's request stream (Undertow's): reading after close fails. */
    private static final class ServerStream extends FilterInputStream {
        private boolean closed;

        ServerStream(byte[] body) {
            super(new ByteArrayInputStream(body));
        }

        @Override
        public int read() throws IOException {
            checkOpen();
            return super.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            checkOpen();
            return super.read(buffer, offset, count);
        }

        @Override
        public void close() {
            closed = true;
        }

        private void checkOpen() throws IOException {
            if (closed) {
                throw new IOException("Stream is closed");
            }
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
