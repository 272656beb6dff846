package dev.tollgate.example.it.wildfly;

import dev.tollgate.example.it.AbstractAsyncMethodsIT;
import dev.tollgate.example.it.support.OnWildFly;

@OnWildFly
class AsyncMethodsWildFlyIT extends AbstractAsyncMethodsIT {
}
