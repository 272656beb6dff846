package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.Call;

import java.security.Principal;

/** {@code principal}: the caller's name; {@link #UNKNOWN} when anonymous or nameless. */
record PrincipalKey() implements PartitionKey {

    static final String SOURCE = "p";

    @Override
    public String resolve(Call call) {
        String name = clearValue(call);
        return name == null ? UNKNOWN : PartitionHash.of(SOURCE, name);
    }

    @Override
    public String clearValue(Call call) {
        Principal principal = call.principal();
        String name = principal == null ? null : principal.getName();
        return name == null || name.isEmpty() ? null : name;
    }
}
