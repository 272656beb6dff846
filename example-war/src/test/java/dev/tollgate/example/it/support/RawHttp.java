package dev.tollgate.example.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte on a socket, for requests that {@link java.net.http.HttpClient} refuses to send
 * (control characters, bare CR or LF, obs-text, a header twice) and for calls from another loopback address than
 * {@value Http#LOOPBACK} ({@code 127.0.0.2}: Linux routes all of {@code 127.0.0.0/8} to the loopback interface).
 * One request per connection ({@code Connection: close}); the answer is read to the end of the stream.
 */
public final class RawHttp {

    private final URI base;
    private final String from;

    private RawHttp(URI base, String from) {
        this.base = base;
        this.from = from;
    }

    /** Requests to {@code deployment} (an {@code @ArquillianResource URL}) from {@value Http#LOOPBACK}. */
    public static RawHttp to(URL deployment) {
        return new RawHttp(Http.resolve(deployment, ""), null);
    }

    /** The same requests, sent from the local address {@code address} (e.g. {@code 127.0.0.2}). */
    public RawHttp from(String address) {
        return new RawHttp(base, address);
    }

    /** A request: {@code method}, a path relative to the deployment, header lines as raw bytes, and a body. */
    public Answer send(String method, String relativePath, List<byte[]> headerLines, byte[] body) {
        URI uri = base.resolve(relativePath);
        ByteArrayOutputStream request = new ByteArrayOutputStream(256 + (body == null ? 0 : body.length));
        write(request, method + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nConnection: close\r\n");
        for (byte[] line : headerLines) {
            request.writeBytes(line);
            write(request, "\r\n");
        }
        write(request, "Content-Length: " + (body == null ? 0 : body.length) + "\r\n\r\n");
        try (Socket socket = new Socket()) {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException e) {
                    // the server may answer (413) and close before reading a large body; read what it said
                }
            }
            out.flush();
            return Answer.parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri, e);
        }
    }

    /** A header line from text, encoded as ISO-8859-1 (one byte per character, as HTTP/1.1 sends them). */
    public static byte[] line(String name, String value) {
        return (name + ": " + value).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (IOException e) {
            if (all.size() == 0) {
                throw e;
            }
            // a reset after the answer (the server closed with request bytes unread): keep the answer
        }
        return all.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A response: status, headers (names in lower case, every value) and the body as UTF-8. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        static Answer parse(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new IllegalStateException("no complete HTTP answer: '" + text + "'");
            }
            String[] lines = text.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        name -> new ArrayList<>()).add(lines[i].substring(colon + 1).strip());
            }
            byte[] body = Arrays.copyOfRange(bytes, end + 4, bytes.length);
            List<String> encoding = headers.get("transfer-encoding");
            if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
                body = unchunk(body);
            }
            return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
        }

        private static byte[] unchunk(byte[] chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int at = 0;
            while (at < chunked.length) {
                int lineEnd = indexOfCrLf(chunked, at);
                String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                int semicolon = size.indexOf(';');
                int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
                if (length == 0) {
                    break;
                }
                body.write(chunked, lineEnd + 2, length);
                at = lineEnd + 2 + length + 2;
            }
            return body.toByteArray();
        }

        private static int indexOfCrLf(byte[] bytes, int from) {
            for (int i = from; i + 1 < bytes.length; i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                    return i;
                }
            }
            throw new IllegalStateException("truncated chunked body");
        }
    }
}
