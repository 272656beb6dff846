package dev.tollgate.internal.config;

import dev.tollgate.IdempotencyKey;
import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import dev.tollgate.internal.cdi.TollgateExtension;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.weld.environment.se.Weld;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code docs/configuration.md} names every property Tollgate reads, and nothing it does not read.
 *
 * <p>What the code reads is not taken from its string literals (keys are built from prefixes, tier names and
 * annotation members) but recorded: a deployment of the extension in Weld, with one annotated bean, runs on a
 * MicroProfile Config whose only source records every name it is asked for. The configuration sets a Redis address
 * and two tiers, so that the Redis and tier properties are read, and one invalid value read last
 * ({@code tollgate.violations.top=0}), so that the deployment stops after reading everything and before it would
 * connect to Redis. Recorded names are normalised as the page writes them ({@code <tier>}, {@code <class>},
 * {@code <method>}, {@code <name>}, {@code <member>}) and compared with the property names in the page's tables and
 * in its "Configuration overrides" section; the members read for each annotation are compared with the page's
 * members tables.
 */
class ConfigurationReferenceTest {

    static final Path PAGE = Path.of("..", "docs", "configuration.md").toAbsolutePath().normalize();
    private static final List<String> TIERS = List.of("free", "basic");
    private static final Pattern PROPERTY = Pattern.compile(
            "tollgate\\.[a-z0-9<>.-]*[a-z0-9>]|<class>(/<method>)?/(RateLimit|Idempotent)/(<name>/)?<member>");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @ApplicationScoped
    public static class Guarded {
        @RateLimit(name = "sample", limit = 5, tiered = true)
        public String limited() {
            return "ok";
        }

        @Idempotent
        public String idempotent(@IdempotencyKey String key) {
            return key;
        }
    }

    /** Every name the configuration was asked for, with the values it answers. */
    static final class RecordingSource implements ConfigSource {
        final Set<String> asked = ConcurrentHashMap.newKeySet();
        private final Map<String, String> values;

        RecordingSource(Map<String, String> values) {
            this.values = values;
        }

        @Override
        public Set<String> getPropertyNames() {
            return values.keySet();
        }

        @Override
        public String getValue(String name) {
            asked.add(name);
            return values.get(name);
        }

        @Override
        public String getName() {
            return "recording";
        }
    }

    private static Set<String> read;
    private static Map<Class<?>, Set<String>> membersRead;

    @BeforeAll
    static void deploy() {
        RecordingSource source = new RecordingSource(Map.of(
                "tollgate.redis.address", "redis://127.0.0.1:1",
                "tollgate.tiers", String.join(",", TIERS),
                "tollgate.violations.top", "0"));
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(source).build();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(ConfigProvider.getConfig(loader));
        resolver.registerConfig(config, loader);
        try {
            new Weld().disableDiscovery().containerId(null).addExtension(new TollgateExtension())
                    .addBeanClasses(Guarded.class).initialize().shutdown();
            fail("the deployment should fail on tollgate.violations.top=0, read after every other property");
        } catch (RuntimeException e) {
            assertThat(e).as("the deployment failed on the invalid value read last, so every reader ran")
                    .hasMessageContaining("Invalid tollgate.violations.top");
        } finally {
            resolver.releaseConfig(config);
        }
        read = new TreeSet<>();
        membersRead = Map.of(RateLimit.class, new TreeSet<>(), Idempotent.class, new TreeSet<>());
        source.asked.stream().map(ConfigurationReferenceTest::normalise).filter(name -> name != null)
                .forEach(read::add);
    }

    /**
     * {@code name} as the page writes it, or {@code null} if it is no Tollgate key (SmallRye asks for its own). An
     * annotation member's key becomes its level, and the member is noted in {@link #membersRead}.
     */
    private static String normalise(String name) {
        for (String tier : TIERS) {
            name = name.replace("tollgate.tier." + tier + ".", "tollgate.tier.<tier>.");
        }
        String owner = Guarded.class.getName() + "/";
        if (name.startsWith(owner)) {
            name = "<class>/" + name.substring(owner.length())
                    .replaceFirst("^(limited|idempotent)/", "<method>/")
                    .replaceFirst("/RateLimit/sample/", "/RateLimit/<name>/");
            Matcher level = Pattern.compile("(.*/(RateLimit|Idempotent)/(<name>/)?)([A-Za-z]+)").matcher(name);
            if (!level.matches()) {
                return name;
            }
            membersRead.get(level.group(2).equals("RateLimit") ? RateLimit.class : Idempotent.class)
                    .add(level.group(4));
            return level.group(1) + "<member>";
        }
        for (Class<?> annotation : List.of(RateLimit.class, Idempotent.class)) {
            String prefix = annotation == RateLimit.class ? "tollgate.ratelimit." : "tollgate.idempotency.";
            String rest = name.startsWith(prefix) ? name.substring(prefix.length()) : "";
            if (members(annotation).contains(rest)) {
                membersRead.get(annotation).add(rest);
                return prefix + "<member>";
            }
        }
        return name.startsWith("tollgate.") ? name : null;
    }

    private static Set<String> members(Class<?> annotation) {
        return Arrays.stream(annotation.getDeclaredMethods()).map(Method::getName).collect(Collectors.toSet());
    }

    @Test
    void everyPropertyReadIsDocumentedAndEveryDocumentedPropertyIsRead() throws IOException {
        Set<String> documented = documentedProperties(Files.readString(PAGE));
        // Not vacuous: each reader ran, and the page was parsed.
        List<String> samples = List.of("tollgate.redis.address", "tollgate.redis.key-prefix",
                "tollgate.redis.breaker.open-for", "tollgate.tier.<tier>.limit", "tollgate.tier.<tier>.role",
                "tollgate.trusted-proxies", "tollgate.ip.ipv6-prefix", "tollgate.ratelimit.local-share",
                "tollgate.idempotency.lease", "tollgate.violations.identities",
                "<class>/<method>/RateLimit/<name>/<member>", "<class>/Idempotent/<member>");
        assertThat(read).as("recorded").containsAll(samples);
        assertThat(documented).as("parsed from " + PAGE).containsAll(samples);

        Set<String> undocumented = new TreeSet<>(read);
        undocumented.removeAll(documented);
        Set<String> unread = new TreeSet<>(documented);
        unread.removeAll(read);
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(undocumented).as("read by Tollgate but not documented in docs/configuration.md")
                    .isEmpty();
            softly.assertThat(unread).as("documented in docs/configuration.md but never read").isEmpty();
        });
    }

    @Test
    void everyMemberThatConfigurationOverridesIsDocumented() throws IOException {
        String page = Files.readString(PAGE);
        for (Class<?> annotation : List.of(RateLimit.class, Idempotent.class)) {
            Set<String> documented = new TreeSet<>(firstColumn(section(page, "`@" + annotation.getSimpleName()
                    + "` members")));
            assertThat(documented).as("the page's @%s members", annotation.getSimpleName())
                    .isEqualTo(members(annotation));
            // name identifies counters or stored records: configuration cannot change it, as the page says.
            documented.remove("name");
            assertThat(membersRead.get(annotation)).as("@%s members read from configuration",
                    annotation.getSimpleName()).isNotEmpty().isEqualTo(documented);
        }
        assertThat(page).contains("`name` is the one member configuration cannot change");
    }

    /** The property names in the page's tables' first column, and in its "Configuration overrides" section. */
    static Set<String> documentedProperties(String page) {
        Set<String> names = new TreeSet<>();
        for (String cell : firstColumn(page)) {
            if (PROPERTY.matcher(cell).matches()) {
                names.add(cell);
            }
        }
        Matcher code = CODE.matcher(section(page, "Configuration overrides"));
        while (code.find()) {
            if (PROPERTY.matcher(code.group(1)).matches()) {
                names.add(code.group(1));
            }
        }
        return names;
    }

    /** The code spans in the first cell of every table row (header and separator rows excluded). */
    static List<String> firstColumn(String markdown) {
        return markdown.lines().filter(line -> line.startsWith("| `"))
                .map(line -> line.substring(1, line.indexOf('|', 1)))
                .flatMap(cell -> CODE.matcher(cell).results().map(found -> found.group(1)))
                .toList();
    }

    /** The text under the {@code ## } heading {@code title}, up to the next one; fails if there is none. */
    static String section(String page, String title) {
        int start = page.indexOf("\n## " + title + "\n");
        if (start < 0) {
            fail("docs/configuration.md has no section '## " + title + "'");
        }
        int end = page.indexOf("\n## ", start + 1);
        return page.substring(start, end < 0 ? page.length() : end);
    }

    @Test
    void theParserFindsWhatIsWrittenAndNothingElse() {
        String page = String.join("\n", "# Configuration", "", "## Configuration overrides", "",
                "1. `<class>/<method>/RateLimit/<member>` — the method's limits",
                "then `tollgate.idempotency.<member>` (e.g. `tollgate.ratelimit.enabled=false`, `tollgate.redis.*`)",
                "", "## Properties", "", "| property | default | meaning |", "|---|---|---|",
                "| `tollgate.a`, `tollgate.tier.<tier>.b` | `0` | mentions `tollgate.c` |", "",
                "Prose naming `tollgate.d` is no documentation.", "");
        assertThat(documentedProperties(page)).containsExactlyInAnyOrder("<class>/<method>/RateLimit/<member>",
                "tollgate.idempotency.<member>", "tollgate.a", "tollgate.tier.<tier>.b");
    }
}
