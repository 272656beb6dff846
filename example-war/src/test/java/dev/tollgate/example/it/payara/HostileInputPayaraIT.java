package dev.tollgate.example.it.payara;

import dev.tollgate.example.it.AbstractHostileInputIT;
import dev.tollgate.example.it.support.OnPayara;

@OnPayara
class HostileInputPayaraIT extends AbstractHostileInputIT {

    /** Grizzly's default header buffer; a larger header block is answered 400 with an empty body. */
    @Override
    protected int maxHeaderBlockBytes() {
        return 8192;
    }

    /** Grizzly answers 400 (empty body) to a header value with bytes above 0x7F. */
    @Override
    protected boolean acceptsObsText() {
        return false;
    }

    /** Grizzly answers 400 (empty body) to a bare CR or LF in a field line. */
    @Override
    protected boolean endsFieldLinesAtBareCrOrLf() {
        return false;
    }

    /** Payara Micro sets no limit on a JSON body: the 11 MiB one is read, and refused as JSON. */
    @Override
    protected long maxBodyBytes() {
        return Long.MAX_VALUE;
    }
}
