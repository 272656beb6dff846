package dev.tollgate.example.it.payara;

import dev.tollgate.example.it.AbstractInvalidAsyncMethodIT;
import dev.tollgate.example.it.support.OnPayara;

@OnPayara
class InvalidAsyncMethodPayaraIT extends AbstractInvalidAsyncMethodIT {
}
