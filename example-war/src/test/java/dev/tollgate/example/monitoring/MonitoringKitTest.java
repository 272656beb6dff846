package dev.tollgate.example.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tollgate.example.monitoring.MonitoringKit.Query;
import dev.tollgate.testing.DebianPackage;

/**
 * The files of {@code server-config/monitoring/} on their own: Debian's {@code promtool} (Prometheus 2.42) accepts the
 * rules, and every dashboard query names a Tollgate metric. Whether those metrics exist is checked against a real
 * Prometheus scraping real servers, in {@code AbstractMonitoringKitIT}.
 */
class MonitoringKitTest {

    @Test
    void promtoolAcceptsTheRules() throws IOException {
        DebianPackage.Result check = DebianPackage.run(
                List.of(DebianPrometheus.promtool().toString(), "check", "rules", MonitoringKit.RULES.toString()),
                MonitoringKit.DIRECTORY);
        System.out.println(check.output());

        assertThat(check.exitCode()).as("promtool check rules %s:\n%s", MonitoringKit.RULES, check.output())
                .isZero();
        assertThat(check.output()).contains("SUCCESS: " + MonitoringKit.alertCount() + " rules found");
    }

    @Test
    void everyDashboardQueryNamesATollgateMetric() {
        List<Query> queries = MonitoringKit.dashboardQueries();

        assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
        assertThat(queries).allSatisfy(query -> assertThat(query.metrics()).as(query.toString()).isNotEmpty());
    }

    @Test
    void thresholdsAreStrippedFromAlertExpressions() {
        assertThat(MonitoringKit.withoutThresholds("(a / b) > 0.5 and c[5m] > 0.01"))
                .isEqualTo("(a / b) and c[5m]");
        assertThat(MonitoringKit.withoutThresholds("max by (x) (m{l!=\"1\"}) == 1")).isEqualTo("max by (x) (m{l!=\"1\"})");
        assertThat(MonitoringKit.withoutThresholds("a > bool 1e-3")).isEqualTo("a");
    }

    @Test
    void theTestCopyOfTheRulesFiresAtOnce() {
        String rules = MonitoringKit.rulesFiringAtOnce();

        assertThat(rules).doesNotContainPattern("for:\\s*[1-9]");
        assertThat(rules.replaceAll("(?m)^\\s*for:.*\\n", ""))
                .isEqualTo(MonitoringKit.rules().replaceAll("(?m)^\\s*for:.*\\n", ""));
    }
}
