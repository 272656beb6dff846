package dev.tollgate.example.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain {@link HttpClient} calls against a deployment.
 *
 * <p>Every address is pinned to the loopback interface: the servers listen on all interfaces, but an adapter
 * may report the machine's own network address (Payara Micro's "Instance Configuration" names the host's
 * address, e.g. 192.0.2.2), and the tests must only ever talk to this machine over loopback.
 */
public final class Http {

    public static final String LOOPBACK = "127.0.0.1";

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private Http() {
    }

    /** {@code base} (an {@code @ArquillianResource URL}, i.e. the context root) resolved against a relative path. */
    public static URI resolve(URL base, String relativePath) {
        try {
            URI uri = loopback(base.toURI());
            String path = uri.getPath().endsWith("/") ? uri.getPath() : uri.getPath() + "/";
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), path, null, null)
                    .resolve(relativePath);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(base.toString(), e);
        }
    }

    /** The same address with its host replaced by {@value #LOOPBACK}. */
    public static URI loopback(URI uri) {
        try {
            return new URI(uri.getScheme(), uri.getUserInfo(), LOOPBACK, uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(uri.toString(), e);
        }
    }

    /** Root of the server's HTTP listener for a deployment URL ({@code http://127.0.0.1:port/}). */
    public static URI serverRoot(URL deploymentBase) {
        return loopback(URI.create(deploymentBase.toString())).resolve("/");
    }

    public static HttpResponse<String> get(URL base, String relativePath) {
        return send(HttpRequest.newBuilder(resolve(base, relativePath)).GET());
    }

    public static HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(loopback(uri)).GET());
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
