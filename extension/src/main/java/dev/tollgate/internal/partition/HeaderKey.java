package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.Call;
import dev.tollgate.internal.call.CallRequest;

/**
 * {@code header:<Name>}: the request header's (first) value; {@link #UNKNOWN} when it is missing or blank, or when
 * the call is not part of an HTTP request.
 */
record HeaderKey(String name) implements PartitionKey {

    static final String SOURCE = "h";

    static HeaderKey parse(String name) throws InvalidPartitionKeyException {
        if (name.isEmpty()) {
            throw new InvalidPartitionKeyException("missing header name after 'header:'");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!ForwardedSyntax.isTokenChar(name.charAt(i))) {
                throw new InvalidPartitionKeyException("'" + name
                        + "' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
            }
        }
        return new HeaderKey(name);
    }

    @Override
    public String resolve(Call call) {
        String value = clearValue(call);
        return value == null ? UNKNOWN : PartitionHash.of(SOURCE, value);
    }

    @Override
    public String clearValue(Call call) {
        CallRequest request = call.request();
        String value = request == null ? null : request.header(name);
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public boolean readsRequest() {
        return true;
    }
}
