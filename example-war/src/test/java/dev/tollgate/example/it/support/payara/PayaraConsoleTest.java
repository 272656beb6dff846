package dev.tollgate.example.it.support.payara;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Payara Micro console parsing of {@link LoopbackPayaraMicroContainer}, on lines copied from Payara Micro 6. */
class PayaraConsoleTest {

    private static final String ESC = "\u001B";

    private static String record(String level, String message) {
        return "[2026-11-25T00:41:09.462+0000] [] [" + ESC + "[1;91m" + level + ESC + "[0m] [] [" + ESC
                + "[1;94mjavax.enterprise.system.core" + ESC + "[0m] [tid: _ThreadID=1 _ThreadName=main] "
                + "[timeMillis: 1795567269462] [levelValue: 1000] " + message + "\n\n";
    }

    @Test
    void singleProblemOnOneLine() {
        String console = record("SEVERE", "Exception while loading the app")
                + record("SEVERE", "Exception while loading the app : CDI deployment failure:Invalid @RateLimit.limit"
                        + " on x#y(): must be > 0, was 0 -- Invalid @RateLimit.limit on x#y(): must be > 0, was 0")
                + "[2026-11-25T00:41:09.470+0000] [] [INFO] [] [PayaraMicro] Deployed 1 archive(s)\n";

        assertThat(LoopbackPayaraMicroContainer.failureReasons(console)).containsExactly(
                "CDI deployment failure:Invalid @RateLimit.limit on x#y(): must be > 0, was 0"
                        + " -- Invalid @RateLimit.limit on x#y(): must be > 0, was 0");
    }

    @Test
    void severalProblemsInAMultiLineRecordWithoutStackFrames() {
        String console = record("SEVERE", "[[\n  Exception while loading the app : CDI deployment failure:Exception List"
                + " with 2 exceptions:\nException 0 :\njakarta.enterprise.inject.spi.DefinitionException: Invalid"
                + " @RateLimit.limit on x#y(): must be > 0, was 0\n\tat a.B.c(B.java:18)\n\t... 3 more\nException 1 :\n"
                + "jakarta.enterprise.inject.spi.DefinitionException: Invalid @RateLimit.window on x#z(): must be > 0,"
                + " was -1\n\tat a.B.c(B.java:19)\n]]");

        assertThat(LoopbackPayaraMicroContainer.failureReasons(console)).singleElement().satisfies(reason -> assertThat(
                reason)
                .contains("DefinitionException: Invalid @RateLimit.limit on x#y(): must be > 0, was 0")
                .contains("DefinitionException: Invalid @RateLimit.window on x#z(): must be > 0, was -1")
                .doesNotContain("B.java")
                .doesNotContain("]]"));
    }

    @Test
    void successfulStartHasNoReasons() {
        assertThat(LoopbackPayaraMicroContainer.failureReasons(
                "[2026] [] [INFO] [] [PayaraMicro] Deployed 1 archive(s)\n")).isEmpty();
    }
}
