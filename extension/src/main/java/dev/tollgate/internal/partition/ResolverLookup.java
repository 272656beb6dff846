package dev.tollgate.internal.partition;

import dev.tollgate.spi.PartitionKeyResolver;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * Finds the instance of a {@link PartitionKeyResolver} class named in a {@code @RateLimit.key}, once, at
 * deployment. The CDI extension answers with the CDI bean of that class if there is one, and otherwise falls back
 * to {@link #instantiate}.
 */
@FunctionalInterface
public interface ResolverLookup {

    /** Creates every resolver with its public no-argument constructor; for use without CDI, and in tests. */
    ResolverLookup CONSTRUCTOR = ResolverLookup::instantiate;

    /**
     * The resolver to call for keys naming {@code type}; it is called concurrently.
     *
     * @throws InvalidPartitionKeyException when there is no way to get one, saying why
     */
    PartitionKeyResolver resolverFor(Class<? extends PartitionKeyResolver> type) throws InvalidPartitionKeyException;

    /**
     * A new instance of {@code type}, through its public no-argument constructor.
     *
     * @throws InvalidPartitionKeyException if {@code type} is abstract, has no such constructor, or the constructor
     *                                      throws (the exception is the cause)
     */
    static PartitionKeyResolver instantiate(Class<? extends PartitionKeyResolver> type)
            throws InvalidPartitionKeyException {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new InvalidPartitionKeyException(type.getName() + " is abstract");
        }
        Constructor<? extends PartitionKeyResolver> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new InvalidPartitionKeyException(type.getName() + " has no public no-argument constructor");
        }
        // a public constructor of a class that is not public (a package-private nested class)
        if (!constructor.trySetAccessible()) {
            throw new InvalidPartitionKeyException(type.getName() + " is not accessible to Tollgate");
        }
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new InvalidPartitionKeyException(
                    "new " + type.getName() + "() failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new InvalidPartitionKeyException("new " + type.getName() + "() failed: " + e, e);
        }
    }
}
