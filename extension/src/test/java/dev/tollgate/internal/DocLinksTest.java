package dev.tollgate.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link in README.md and docs/*.md points to a file that exists and, with a {@code #fragment} into a
 * Markdown file, to a heading of that file, by GitHub's rules (lowercase; punctuation but {@code -} and {@code _}
 * dropped; spaces to {@code -}; a repeated heading gets {@code -1}, {@code -2}...). Links inside code are not links.
 */
class DocLinksTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** {@code [text](target)} or {@code ![alt](target)}, the text possibly holding one level of brackets. */
    private static final Pattern LINK = Pattern.compile(
            "!?\\[(?:[^\\]\\[]|\\[[^\\]]*\\])*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    @Test
    void everyRelativeLinkPointsToAFileAndAHeadingThatExist() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int files = 0;
        int fragments = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = ROOT.relativize(page) + ": " + target;
                if (!Files.exists(resolved)) {
                    broken.add(where + " (no file " + ROOT.relativize(resolved) + ")");
                    continue;
                }
                files++;
                if (hash >= 0 && resolved.toString().endsWith(".md")) {
                    fragments++;
                    if (!anchors(resolved).contains(target.substring(hash + 1))) {
                        broken.add(where + " (no heading with that anchor in " + ROOT.relativize(resolved) + ")");
                    }
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
        assertThat(files).as("links checked").isGreaterThan(50);
        assertThat(fragments).as("links with an anchor checked").isGreaterThanOrEqualTo(10);
    }

    @Test
    void anchorsFollowGitHubsRules() {
        assertThat(anchors(String.join("\n", "# Tollgate", "## Using `@RateLimit`",
                "### TLS and a least-privilege user",
                "```", "# not a heading", "```", "## Capacity per shard (docs/scaling.md)", "## Tiers", "## Tiers",
                "## What `t` counts down to: GCRA, 1/`limit` ms")))
                .containsExactlyInAnyOrder("tollgate", "using-ratelimit", "tls-and-a-least-privilege-user",
                        "capacity-per-shard-docsscalingmd", "tiers", "tiers-1", "what-t-counts-down-to-gcra-1limit-ms");
        assertThat(links("See [a](b.md#c), `[not](code.md)`, ![img](i.png) and\n```\n[no](x.md)\n```\n"))
                .containsExactly("b.md#c", "i.png");
    }

    private Set<String> anchors(Path page) {
        return anchors.computeIfAbsent(page, path -> {
            try {
                return anchors(Files.readString(path));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static Set<String> anchors(String markdown) {
        Set<String> found = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : withoutCode(markdown, false).split("\n")) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = heading.group(1).toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}\\p{Mn} _-]", "").replace(' ', '-');
                int times = seen.merge(slug, 1, Integer::sum);
                found.add(times == 1 ? slug : slug + "-" + (times - 1));
            }
        }
        return found;
    }

    static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        Matcher link = LINK.matcher(withoutCode(markdown, true));
        while (link.find()) {
            targets.add(link.group(1));
        }
        return targets;
    }

    /** {@code markdown} without fenced blocks and, if {@code spans}, without inline code spans. */
    private static String withoutCode(String markdown, boolean spans) {
        StringBuilder out = new StringBuilder();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                out.append('\n');
                continue;
            }
            if (!fenced) {
                out.append(spans ? line.replaceAll("`[^`]*`", "``") : line);
            }
            out.append('\n');
        }
        return out.toString();
    }
}
