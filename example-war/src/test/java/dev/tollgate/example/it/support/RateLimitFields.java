package dev.tollgate.example.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the structured-field lists of the {@code RateLimit-Policy} and {@code RateLimit} headers
 * (draft-ietf-httpapi-ratelimit-headers): {@code "name";q=10;w=60, "other";q=2;w=10}, as a map from each member's
 * name (in order) to its integer parameters. Only what Tollgate writes is accepted (sf-string names, integer
 * parameters); anything else fails the test.
 */
public final class RateLimitFields {

    private static final Pattern MEMBER = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"((?:;[a-z*][a-z0-9_.*-]*=-?[0-9]+)*)");
    private static final Pattern PARAMETER = Pattern.compile(";([a-z*][a-z0-9_.*-]*)=(-?[0-9]+)");

    private RateLimitFields() {
    }

    /** Every field line of {@code name}, joined as one list (RFC 9110 section 5.3), or {@code null} if absent. */
    public static String header(HttpResponse<?> response, String name) {
        var values = response.headers().allValues(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /** The members of the header {@code name}, which must be present and well formed. */
    public static Map<String, Map<String, Long>> parse(HttpResponse<?> response, String name) {
        String value = header(response, name);
        assertThat(value).as("header %s of %s", name, response).isNotNull();
        return parse(value);
    }

    /** The members of a structured-field list as Tollgate writes it. */
    public static Map<String, Map<String, Long>> parse(String value) {
        Map<String, Map<String, Long>> members = new LinkedHashMap<>();
        for (String member : value.split(",")) {
            Matcher matcher = MEMBER.matcher(member.strip());
            assertThat(matcher.matches()).as("list member '%s' of '%s'", member.strip(), value).isTrue();
            Map<String, Long> parameters = new LinkedHashMap<>();
            Matcher parameter = PARAMETER.matcher(matcher.group(2));
            while (parameter.find()) {
                parameters.put(parameter.group(1), Long.parseLong(parameter.group(2)));
            }
            assertThat(members.put(matcher.group(1), parameters)).as("member %s twice in '%s'", matcher.group(1), value)
                    .isNull();
        }
        return members;
    }
}
