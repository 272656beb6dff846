package dev.tollgate.example.it.wildfly;

import dev.tollgate.example.it.AbstractHostileInputIT;
import dev.tollgate.example.it.support.OnWildFly;

@OnWildFly
class HostileInputWildFlyIT extends AbstractHostileInputIT {

    /** Undertow's default {@code max-header-size}. */
    @Override
    protected int maxHeaderBlockBytes() {
        return 1_048_576;
    }

    @Override
    protected boolean acceptsObsText() {
        return true;
    }

    /** Undertow ends the field line at a bare CR or LF and reads what follows as another line. */
    @Override
    protected boolean endsFieldLinesAtBareCrOrLf() {
        return true;
    }

    /** Undertow's default {@code max-post-size}, 10 MiB; beyond it, 400 with an empty body. */
    @Override
    protected long maxBodyBytes() {
        return 10L << 20;
    }
}
