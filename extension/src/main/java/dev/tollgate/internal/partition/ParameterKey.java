package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.Call;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * {@code param:<name>} or {@code param:<name>.<property>[.<property>...]}: a method argument, or a property of it,
 * as {@link String#valueOf(Object)}; {@link #UNKNOWN} when the argument or any property on the way is {@code null}.
 *
 * <p>The parameter's position and the accessors are found at deployment, from the parameter's declared type; a
 * call only reads the argument and invokes prepared method handles. A getter or {@code toString()} that throws (as
 * one that parses the caller's input may) counts like a missing value, in {@link #UNKNOWN}: the caller neither
 * escapes the limit nor gets a server error for it, and the first such failure of each key is logged. A value whose
 * declared type has no text of its own (an array, a class that does not override {@code toString()}) fails the
 * deployment, since each instance would be a partition of its own.
 */
final class ParameterKey implements PartitionKey {

    static final String SOURCE = "a";

    private static final MethodType ACCESSOR = MethodType.methodType(Object.class, Object.class);

    private static final Logger LOG = Logger.getLogger(ParameterKey.class.getName());

    private final String path;
    private final int index;
    private final MethodHandle[] properties;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private ParameterKey(String path, int index, MethodHandle[] properties) {
        this.path = path;
        this.index = index;
        this.properties = properties;
    }

    /** The key for {@code path} ({@code order.customer.id}) on {@code method}'s parameters. */
    static ParameterKey parse(String path, Method method) throws InvalidPartitionKeyException {
        if (path.isEmpty()) {
            throw new InvalidPartitionKeyException("missing parameter name after 'param:'");
        }
        String[] names = path.split("\\.", -1);
        for (String name : names) {
            if (!isIdentifier(name)) {
                throw new InvalidPartitionKeyException(
                        "expected param:<name>[.<property>], where names are Java identifiers");
            }
        }
        Parameter[] parameters = method.getParameters();
        int index = indexOf(names[0], parameters);
        Class<?> type = parameters[index].getType();
        MethodHandle[] properties = new MethodHandle[names.length - 1];
        for (int p = 1; p < names.length; p++) {
            Member accessor = accessor(type, names[p]);
            properties[p - 1] = handle(accessor, names[p], type);
            type = accessor instanceof Method getter ? getter.getReturnType() : ((Field) accessor).getType();
        }
        checkText(path, type);
        return new ParameterKey(path, index, properties);
    }

    @Override
    public String resolve(Call call) {
        String value = clearValue(call);
        return value == null ? UNKNOWN : PartitionHash.of(SOURCE, value);
    }

    @Override
    public String clearValue(Call call) {
        Object value = call.arguments()[index];
        try {
            for (int p = 0; p < properties.length && value != null; p++) {
                value = get(properties[p], value);
            }
            // toString() is the application's code too
            return value == null ? null : String.valueOf(value);
        } catch (RuntimeException e) {
            if (failureLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, e, () -> "Tollgate: reading param:" + path + " failed; such calls count in"
                        + " the shared unknown partition (logged once)");
            }
            return null;
        }
    }

    @Override
    public String toString() {
        return "ParameterKey[" + path + "]";
    }

    private static Object get(MethodHandle property, Object owner) {
        try {
            return (Object) property.invokeExact(owner);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new UndeclaredThrowableException(e);
        }
    }

    /**
     * Rejects values whose text is their identity ({@code [I@1b6d3586}, {@code Order@4554617c}): every call would
     * count in a partition of its own, and the limit would never apply. Only the declared type can be checked; an
     * interface, an abstract class or {@code Object} may hold anything.
     */
    private static void checkText(String path, Class<?> type) throws InvalidPartitionKeyException {
        if (type.isArray()) {
            throw new InvalidPartitionKeyException("'" + path + "' is an array (" + type.getTypeName()
                    + "), so every call would count in a partition of its own");
        }
        if (type.isPrimitive() || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            return;
        }
        try {
            if (type != Object.class && type.getMethod("toString").getDeclaringClass() == Object.class) {
                throw new InvalidPartitionKeyException("'" + path + "' is a " + type.getTypeName()
                        + ", which does not override toString(), so every instance would count in a partition of"
                        + " its own; name one of its properties: param:" + path + ".<property>");
            }
        } catch (NoSuchMethodException e) {
            throw new AssertionError("every class has toString()", e);
        }
    }

    private static int indexOf(String name, Parameter[] parameters) throws InvalidPartitionKeyException {
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].isNamePresent() && parameters[i].getName().equals(name)) {
                return i;
            }
        }
        if (parameters.length == 0) {
            throw new InvalidPartitionKeyException("no parameter named '" + name + "' (the method has none)");
        }
        if (Arrays.stream(parameters).anyMatch(parameter -> !parameter.isNamePresent())) {
            throw new InvalidPartitionKeyException("no parameter named '" + name
                    + "': parameter names are not available; compile with -parameters");
        }
        throw new InvalidPartitionKeyException("no parameter named '" + name + "' (parameters: "
                + Arrays.stream(parameters).map(Parameter::getName).collect(Collectors.joining(", ")) + ")");
    }

    /** A record component's accessor, then {@code getX()}, then {@code isX()} (boolean), then a public field. */
    private static Member accessor(Class<?> type, String name) throws InvalidPartitionKeyException {
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                if (component.getName().equals(name)) {
                    return component.getAccessor();
                }
            }
        }
        String capitalized = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        Method getter = publicGetter(type, "get" + capitalized);
        if (getter != null && getter.getReturnType() != void.class) {
            return getter;
        }
        getter = publicGetter(type, "is" + capitalized);
        if (getter != null && (getter.getReturnType() == boolean.class || getter.getReturnType() == Boolean.class)) {
            return getter;
        }
        try {
            Field field = type.getField(name);
            if (!Modifier.isStatic(field.getModifiers())) {
                return field;
            }
        } catch (NoSuchFieldException e) {
            // reported below
        }
        throw new InvalidPartitionKeyException("property '" + name + "' not found on " + type.getTypeName()
                + " (no public get" + capitalized + "()/is" + capitalized + "(), record component or public field '"
                + name + "')");
    }

    private static Method publicGetter(Class<?> type, String name) {
        try {
            Method method = type.getMethod(name);
            return Modifier.isStatic(method.getModifiers()) ? null : method;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static MethodHandle handle(Member accessor, String name, Class<?> type)
            throws InvalidPartitionKeyException {
        // public members of classes that are not (a record nested privately in a resource, say)
        if (!((AccessibleObject) accessor).trySetAccessible()) {
            throw new InvalidPartitionKeyException(
                    "property '" + name + "' of " + type.getTypeName() + " is not accessible to Tollgate");
        }
        try {
            MethodHandle handle = accessor instanceof Method method
                    ? MethodHandles.lookup().unreflect(method)
                    : MethodHandles.lookup().unreflectGetter((Field) accessor);
            return handle.asType(ACCESSOR);
        } catch (IllegalAccessException e) {
            throw new InvalidPartitionKeyException(
                    "property '" + name + "' of " + type.getTypeName() + " is not accessible to Tollgate", e);
        }
    }

    private static boolean isIdentifier(String name) {
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Character.isJavaIdentifierPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean needsInvocation() {
        return true;
    }
}
