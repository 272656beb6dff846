package dev.tollgate.internal.call;

import java.util.List;

/**
 * The HTTP request a call is part of: what partition keys and fingerprints read, and the attributes through which
 * the guards hand results to the JAX-RS filters that write the response. An adapter over the servlet request in a
 * server; anything in tests.
 */
public interface CallRequest {

    /** The HTTP method, e.g. {@code POST}. */
    String method();

    /** The path, without the query. */
    String path();

    /** The query string, or {@code null}. */
    String query();

    /** The first value of the header {@code name} (case-insensitive), or {@code null}. */
    String header(String name);

    /** Every value of the header {@code name}, one per header line, in order; empty when absent. */
    List<String> headers(String name);

    /** The address of the peer that sent the request (a proxy, if one is in front). */
    String remoteAddress();

    /** The request attribute {@code name}, or {@code null}. */
    Object attribute(String name);

    void setAttribute(String name, Object value);
}
