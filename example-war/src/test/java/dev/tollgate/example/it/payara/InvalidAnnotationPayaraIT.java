package dev.tollgate.example.it.payara;

import dev.tollgate.example.it.AbstractInvalidAnnotationIT;
import dev.tollgate.example.it.support.OnPayara;

@OnPayara
class InvalidAnnotationPayaraIT extends AbstractInvalidAnnotationIT {
}
