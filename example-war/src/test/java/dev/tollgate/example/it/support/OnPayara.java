package dev.tollgate.example.it.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Marks a test class that only makes sense against Payara: it runs only in the failsafe execution that launched
 * Arquillian's {@code payara} container ({@code -Darquillian.launch=payara}), and is skipped in the other one, e.g. when
 * {@code -Dit.test=...} overrides both executions' includes.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "payara",
        disabledReason = "a Payara test; this run launched another server")
public @interface OnPayara {
}
