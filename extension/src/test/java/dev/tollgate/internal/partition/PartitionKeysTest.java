package dev.tollgate.internal.partition;

import dev.tollgate.internal.call.Call;
import dev.tollgate.spi.PartitionKeyResolver;
import jakarta.interceptor.InvocationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import static dev.tollgate.internal.partition.FakeCalls.anyInvocation;
import static dev.tollgate.internal.partition.FakeCalls.call;
import static dev.tollgate.internal.partition.FakeCalls.httpCall;
import static dev.tollgate.internal.partition.FakeCalls.invocation;
import static dev.tollgate.internal.partition.FakeCalls.plainCall;
import static dev.tollgate.internal.partition.FakeCalls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionKeysTest {

    private static final String EXPECTED = "(expected \"\", principal, ip, header:<Name>, "
            + "param:<name>[.<property>], or a class implementing dev.tollgate.spi.PartitionKeyResolver)";
    private static final String TEST = PartitionKeysTest.class.getName();
    private static final TrustedProxies PROXIES = TrustedProxies.parse("10.0.0.0/8", ForwardingHeader.X_FORWARDED_FOR);

    // ---- what the keys are parsed against

    public record Customer(String id) {
    }

    private record Secret(String code) {
    }

    public static class Order {
        public final String region;
        public static String ignoredStatic = "static";
        private final String tenant;
        private final boolean vip;
        private final Customer customer;

        public Order(String tenant, boolean vip, String region, Customer customer) {
            this.tenant = tenant;
            this.vip = vip;
            this.region = region;
            this.customer = customer;
        }

        public String getTenant() {
            return tenant;
        }

        public boolean isVip() {
            return vip;
        }

        public Customer getCustomer() {
            return customer;
        }

        public String isCode() {
            return "not a boolean";
        }

        public void getNothing() {
        }

        public static String getGlobal() {
            return "static";
        }

        public String getBroken() {
            throw new IllegalStateException("broken getter");
        }
    }

    public static class Resource {
        public void create(String customer, long amount) {
        }

        public void order(Order order, Customer customer) {
        }

        public void secret(Secret secret) {
        }

        public void none() {
        }

        public void tags(String[] tags, int[] counts, Object anything, CharSequence text, Number number) {
        }
    }

    public static class TenantResolver implements PartitionKeyResolver {
        @Override
        public String resolve(InvocationContext invocation) {
            Object[] arguments = invocation.getParameters();
            return arguments.length == 0 || arguments[0] == null ? null : arguments[0].toString();
        }
    }

    public static class EmptyResolver implements PartitionKeyResolver {
        @Override
        public String resolve(InvocationContext invocation) {
            return "";
        }
    }

    public static class ThrowingResolver implements PartitionKeyResolver {
        @Override
        public String resolve(InvocationContext invocation) {
            throw new IllegalStateException("resolver bug");
        }
    }

    public abstract static class AbstractResolver implements PartitionKeyResolver {
    }

    public static class ResolverWithArguments implements PartitionKeyResolver {
        public ResolverWithArguments(String config) {
        }

        @Override
        public String resolve(InvocationContext invocation) {
            return "x";
        }
    }

    public static class FailingResolver implements PartitionKeyResolver {
        public FailingResolver() {
            throw new IllegalStateException("no configuration");
        }

        @Override
        public String resolve(InvocationContext invocation) {
            return "x";
        }
    }

    static class PackagePrivateResolver implements PartitionKeyResolver {
        public PackagePrivateResolver() {
        }

        @Override
        public String resolve(InvocationContext invocation) {
            return "package-private";
        }
    }

    // ---- helpers

    private static Method method(String name) {
        for (Method method : Resource.class.getMethods()) {
            if (method.getName().equals(name)) {
                return method;
            }
        }
        throw new AssertionError(name);
    }

    private static PartitionKey parse(String spec, Method method) throws InvalidPartitionKeyException {
        return PartitionKeys.parse(spec, method, PROXIES, ResolverLookup.CONSTRUCTOR);
    }

    private static PartitionKey parse(String spec) throws InvalidPartitionKeyException {
        return parse(spec, method("create"));
    }

    private static String resolve(PartitionKey key, InvocationContext invocation, Call call) {
        String partition = key.resolve(FakeCalls.with(call, invocation));
        assertThat(partition).isNotNull().doesNotContain("{", "}").hasSizeLessThanOrEqualTo(25);
        return partition;
    }

    private static void assertInvalid(String spec, Method method, String message) {
        assertThatExceptionOfType(InvalidPartitionKeyException.class).isThrownBy(() -> parse(spec, method))
                .withMessage(message);
    }

    // ---- sources

    @Test
    void emptyIsOneSharedPartition() throws Exception {
        PartitionKey key = parse("");
        assertThat(resolve(key, anyInvocation(), plainCall())).isEmpty();
        assertThat(resolve(key, anyInvocation(), call(request("203.0.113.5"), "alice"))).isEmpty();
    }

    @Test
    void principalIsTheCallersName() throws Exception {
        PartitionKey key = parse("principal");
        assertThat(resolve(key, anyInvocation(), call(null, "alice"))).isEqualTo(PartitionHash.of("p", "alice"));
        assertThat(resolve(key, anyInvocation(), call(null, "bob"))).isNotEqualTo(PartitionHash.of("p", "alice"));
        assertThat(resolve(key, anyInvocation(), plainCall())).isEqualTo(PartitionKey.UNKNOWN);
        assertThat(resolve(key, anyInvocation(), call(null, ""))).isEqualTo(PartitionKey.UNKNOWN);
    }

    @Test
    void ipIsTheClientAddress() throws Exception {
        PartitionKey key = parse("ip");
        assertThat(resolve(key, anyInvocation(), httpCall(request("10.0.0.1", "X-Forwarded-For", "203.0.113.5"))))
                .isEqualTo(PartitionHash.of("ip", "203.0.113.5"));
        assertThat(resolve(key, anyInvocation(), plainCall())).isEqualTo(PartitionKey.UNKNOWN);
    }

    @Test
    void headerIsTheHeadersValue() throws Exception {
        PartitionKey key = parse("header:X-Api-Key");
        assertThat(resolve(key, anyInvocation(), httpCall(request("203.0.113.5", "x-api-key", "k-123"))))
                .isEqualTo(PartitionHash.of("h", "k-123"));
        assertThat(resolve(key, anyInvocation(), httpCall(request("203.0.113.5")))).isEqualTo(PartitionKey.UNKNOWN);
        assertThat(resolve(key, anyInvocation(), httpCall(request("203.0.113.5", "X-Api-Key", "  "))))
                .isEqualTo(PartitionKey.UNKNOWN);
        assertThat(resolve(key, anyInvocation(), plainCall())).isEqualTo(PartitionKey.UNKNOWN);
    }

    @Test
    void aMegabyteHeaderBecomesAShortPartition() throws Exception {
        String huge = "}{".repeat(512 * 1024);
        String partition = resolve(parse("header:X-Api-Key"), anyInvocation(),
                httpCall(request("203.0.113.5", "X-Api-Key", huge)));
        assertThat(partition).matches("h:[A-Za-z0-9_-]{22}");
    }

    @Test
    void sourcesWithTheSameValueAreDifferentPartitions() throws Exception {
        Call call = call(request("203.0.113.5", "X-User", "alice"), "alice");
        InvocationContext invocation = invocation(method("create"), "alice", 1L);
        List<String> partitions = new ArrayList<>();
        for (String spec : List.of("principal", "header:X-User", "param:customer", TEST + "$TenantResolver")) {
            partitions.add(resolve(parse(spec), invocation, call));
        }
        assertThat(partitions).doesNotHaveDuplicates().doesNotContain(PartitionKey.UNKNOWN);
    }

    // ---- param:

    private final Order order = new Order("acme", true, "eu", new Customer("c-7"));
    private final InvocationContext orderCall = invocation(method("order"), order, new Customer("c-9"));

    private String partition(String spec, InvocationContext invocation) throws Exception {
        return resolve(parse(spec, invocation.getMethod()), invocation, plainCall());
    }

    @Test
    void aParameterByName() throws Exception {
        InvocationContext invocation = invocation(method("create"), "acme", 42L);
        assertThat(partition("param:customer", invocation)).isEqualTo(PartitionHash.of("a", "acme"));
        assertThat(partition("param:amount", invocation)).isEqualTo(PartitionHash.of("a", "42"));
    }

    @Test
    void aNullParameterIsUnknown() throws Exception {
        assertThat(partition("param:customer", invocation(method("create"), null, 42L)))
                .isEqualTo(PartitionKey.UNKNOWN);
        assertThat(partition("param:order.tenant", invocation(method("order"), null, null)))
                .isEqualTo(PartitionKey.UNKNOWN);
    }

    @Test
    void aPropertyThroughAGetter() throws Exception {
        assertThat(partition("param:order.tenant", orderCall)).isEqualTo(PartitionHash.of("a", "acme"));
        assertThat(partition("param:order.vip", orderCall)).isEqualTo(PartitionHash.of("a", "true"));
    }

    @Test
    void aPropertyThroughARecordAccessor() throws Exception {
        assertThat(partition("param:customer.id", orderCall)).isEqualTo(PartitionHash.of("a", "c-9"));
    }

    @Test
    void aPropertyThroughAPublicField() throws Exception {
        assertThat(partition("param:order.region", orderCall)).isEqualTo(PartitionHash.of("a", "eu"));
    }

    @Test
    void nestedProperties() throws Exception {
        assertThat(partition("param:order.customer.id", orderCall)).isEqualTo(PartitionHash.of("a", "c-7"));
        InvocationContext withoutCustomer =
                invocation(method("order"), new Order("acme", false, "eu", null), null);
        assertThat(partition("param:order.customer.id", withoutCustomer)).isEqualTo(PartitionKey.UNKNOWN);
        assertThat(partition("param:order.tenant", invocation(method("order"),
                new Order(null, false, "eu", null), null))).isEqualTo(PartitionKey.UNKNOWN);
    }

    @Test
    void aRecordThatIsNotPublicIsStillRead() throws Exception {
        assertThat(partition("param:secret.code", invocation(method("secret"), new Secret("s-1"))))
                .isEqualTo(PartitionHash.of("a", "s-1"));
    }

    @Test
    void aGetterThatThrowsCountsInTheUnknownPartition() throws Exception {
        PartitionKey key = parse("param:order.broken", method("order"));
        assertThat(key.resolve(FakeCalls.with(plainCall(), orderCall))).isEqualTo(PartitionKey.UNKNOWN);
        assertThat(key.resolve(FakeCalls.with(plainCall(), orderCall))).isEqualTo(PartitionKey.UNKNOWN);
    }

    // ---- resolver classes

    @Test
    void aResolverClassIsCalledWithTheInvocation() throws Exception {
        PartitionKey key = parse(TEST + "$TenantResolver");
        assertThat(resolve(key, invocation(method("create"), "acme", 1L), plainCall()))
                .isEqualTo(PartitionHash.of("r", "acme"));
        assertThat(resolve(key, invocation(method("create"), null, 1L), plainCall()))
                .isEqualTo(PartitionKey.UNKNOWN);
        assertThat(resolve(parse(TEST + "$EmptyResolver"), anyInvocation(), plainCall()))
                .isEqualTo(PartitionKey.UNKNOWN);
    }

    @Test
    void theLookupIsAskedOnceAtDeployment() throws Exception {
        List<Class<?>> asked = new ArrayList<>();
        PartitionKeyResolver bean = invocation -> "from-cdi";
        PartitionKey key = PartitionKeys.parse(TEST + "$TenantResolver", method("create"), PROXIES, type -> {
            asked.add(type);
            return bean;
        });
        resolve(key, anyInvocation(), plainCall());
        resolve(key, anyInvocation(), plainCall());
        assertThat(asked).containsExactly(TenantResolver.class);
        assertThat(resolve(key, anyInvocation(), plainCall())).isEqualTo(PartitionHash.of("r", "from-cdi"));
    }

    @Test
    void anExceptionOfTheResolverFailsTheCall() throws Exception {
        PartitionKey key = parse(TEST + "$ThrowingResolver");
        assertThatThrownBy(() -> key.resolve(FakeCalls.with(plainCall(), anyInvocation())))
                .isInstanceOf(IllegalStateException.class).hasMessage("resolver bug");
    }

    @Test
    void aPackagePrivateClassWithAPublicConstructorIsInstantiated() throws Exception {
        assertThat(resolve(parse(TEST + "$PackagePrivateResolver"), anyInvocation(), plainCall()))
                .isEqualTo(PartitionHash.of("r", "package-private"));
    }

    // ---- deployment errors: the exact messages the extension wraps

    @ParameterizedTest
    @ValueSource(strings = {"foo", "Principal", "IP", "ip ", " principal", "header", "param", "principal:x",
            "ip:x", "Header:X-A", "com.acme.", "com..acme", "com.acme.Tenant Resolver", "{}", "MissingResolver"})
    void anUnknownSource(String spec) {
        assertInvalid(spec, method("create"), "unknown key source " + EXPECTED);
    }

    @Test
    void aClassThatDoesNotExist() {
        assertInvalid("com.acme.TenantResolver", method("create"), "class not found " + EXPECTED);
    }

    @Test
    void aClassThatIsNoResolver() {
        assertInvalid("java.lang.String", method("create"),
                "java.lang.String does not implement dev.tollgate.spi.PartitionKeyResolver");
    }

    @Test
    void aResolverThatCannotBeInstantiated() {
        assertInvalid(TEST + "$AbstractResolver", method("create"), TEST + "$AbstractResolver is abstract");
        assertInvalid("dev.tollgate.spi.PartitionKeyResolver", method("create"),
                "dev.tollgate.spi.PartitionKeyResolver is abstract");
        assertInvalid(TEST + "$ResolverWithArguments", method("create"),
                TEST + "$ResolverWithArguments has no public no-argument constructor");
        assertThatExceptionOfType(InvalidPartitionKeyException.class)
                .isThrownBy(() -> parse(TEST + "$FailingResolver"))
                .withMessage("new " + TEST + "$FailingResolver() failed: "
                        + "java.lang.IllegalStateException: no configuration")
                .withCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aHeaderWithoutAValidName() {
        assertInvalid("header:", method("create"), "missing header name after 'header:'");
        assertInvalid("header:X Api", method("create"),
                "'X Api' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
        assertInvalid("header:X-Tenant{}", method("create"),
                "'X-Tenant{}' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
        assertInvalid("header:Ümlaut", method("create"),
                "'Ümlaut' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
    }

    @Test
    void aParameterThatDoesNotExist() {
        assertInvalid("param:", method("create"), "missing parameter name after 'param:'");
        assertInvalid("param:orderId", method("create"),
                "no parameter named 'orderId' (parameters: customer, amount)");
        assertInvalid("param:Customer", method("create"),
                "no parameter named 'Customer' (parameters: customer, amount)");
        assertInvalid("param:x", method("none"), "no parameter named 'x' (the method has none)");
    }

    @Test
    void parameterNamesThatWereNotCompiledIn() throws Exception {
        // the JDK is not compiled with -parameters: its parameters are arg0, arg1
        Method parseInt = Integer.class.getMethod("parseInt", String.class, int.class);
        assertInvalid("param:s", parseInt,
                "no parameter named 's': parameter names are not available; compile with -parameters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"param:order.", "param:.tenant", "param:order..tenant", "param:1st",
            "param:order.ten ant", "param:order-id"})
    void aParameterPathThatIsMalformed(String spec) {
        assertInvalid(spec, method("order"), "expected param:<name>[.<property>], where names are Java identifiers");
    }

    @Test
    void aValueWithoutTextOfItsOwn() {
        assertInvalid("param:order", method("order"), "'order' is a " + TEST + "$Order, which does not override "
                + "toString(), so every instance would count in a partition of its own; name one of its properties: "
                + "param:order.<property>");
        assertInvalid("param:tags", method("tags"),
                "'tags' is an array (java.lang.String[]), so every call would count in a partition of its own");
        assertInvalid("param:counts", method("tags"),
                "'counts' is an array (int[]), so every call would count in a partition of its own");
    }

    @Test
    void valuesThatMayHaveTextOfTheirOwnAreAccepted() throws Exception {
        InvocationContext invocation = invocation(method("tags"), null, null, 7, "text", 1.5);
        assertThat(resolve(parse("param:anything", method("tags")), invocation, plainCall()))
                .isEqualTo(PartitionHash.of("a", "7"));
        assertThat(resolve(parse("param:text", method("tags")), invocation, plainCall()))
                .isEqualTo(PartitionHash.of("a", "text"));
        assertThat(resolve(parse("param:number", method("tags")), invocation, plainCall()))
                .isEqualTo(PartitionHash.of("a", "1.5"));
        assertThat(resolve(parse("param:customer", method("order")), orderCall, plainCall()))
                .isEqualTo(PartitionHash.of("a", new Customer("c-9").toString()));
    }

    @Test
    void aPropertyThatDoesNotExist() {
        String orderType = TEST + "$Order";
        assertInvalid("param:order.tenantId", method("order"), "property 'tenantId' not found on " + orderType
                + " (no public getTenantId()/isTenantId(), record component or public field 'tenantId')");
        // isX() must return a boolean, getX() must return something, neither may be static, nor the field
        assertInvalid("param:order.code", method("order"), "property 'code' not found on " + orderType
                + " (no public getCode()/isCode(), record component or public field 'code')");
        assertInvalid("param:order.nothing", method("order"), "property 'nothing' not found on " + orderType
                + " (no public getNothing()/isNothing(), record component or public field 'nothing')");
        assertInvalid("param:order.global", method("order"), "property 'global' not found on " + orderType
                + " (no public getGlobal()/isGlobal(), record component or public field 'global')");
        assertInvalid("param:order.ignoredStatic", method("order"), "property 'ignoredStatic' not found on "
                + orderType + " (no public getIgnoredStatic()/isIgnoredStatic(), record component or public field "
                + "'ignoredStatic')");
        assertInvalid("param:order.customer.name", method("order"), "property 'name' not found on " + TEST
                + "$Customer (no public getName()/isName(), record component or public field 'name')");
        assertInvalid("param:amount.value", method("create"), "property 'value' not found on long"
                + " (no public getValue()/isValue(), record component or public field 'value')");
    }
}
