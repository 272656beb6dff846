package dev.tollgate.example.it.payara;

import dev.tollgate.example.it.AbstractAsyncMethodsIT;
import dev.tollgate.example.it.support.OnPayara;

@OnPayara
class AsyncMethodsPayaraIT extends AbstractAsyncMethodsIT {
}
