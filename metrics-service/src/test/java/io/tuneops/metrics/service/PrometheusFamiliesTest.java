package io.tuneops.metrics.service;

import io.tuneops.metrics.client.TrafficCountersClient.HttpFigures;
import io.tuneops.metrics.client.TrafficCountersClient.RateLimitFigures;
import io.tuneops.support.figures.ApprovalFigures;
import io.tuneops.support.figures.AuditFigures;
import io.tuneops.support.figures.BreakerFigures;
import io.tuneops.support.figures.JobFigures;
import io.tuneops.support.figures.ProviderFigures;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How each category's figures become samples, without the owners that fetch them. */
class PrometheusFamiliesTest {

    private static List<String> samples(PrometheusText out) {
        return out.toString().lines().filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    void jobsWriteEveryFamilyAndLeaveUnknownValuesOut() {
        PrometheusText out = new PrometheusText();
        PrometheusExporter.jobs(out, new JobFigures(12L, Map.of("running", 2L), 2L, null, null, null, null, null));
        assertEquals(List.of("simpletuner_jobs_total 12", "simpletuner_jobs_by_status{status=\"running\"} 2",
                "simpletuner_jobs_active 2"), samples(out));
        assertTrue(out.toString().contains("# TYPE simpletuner_cost_usd_total counter"), "the family stays without a sample");
    }

    @Test
    void componentStatusIsTheOriginalsTwoForHealthyOneForDegradedZeroForUnhealthy() {
        PrometheusText out = new PrometheusText();
        PrometheusExporter.health(out, new HealthChecks.Report(HealthChecks.DEGRADED, 12.0, List.of(
                new HealthChecks.Component("database", HealthChecks.HEALTHY, 1.5, "ok"),
                new HealthChecks.Component("secrets", HealthChecks.DEGRADED, null, "missing"),
                new HealthChecks.Component("audit-service", HealthChecks.UNHEALTHY, 3.0, "down"))));
        assertEquals(List.of("simpletuner_uptime_seconds 12", "simpletuner_health_database_latency_ms 1.5",
                "simpletuner_health_component_status{component=\"database\"} 2",
                "simpletuner_health_component_status{component=\"secrets\"} 1",
                "simpletuner_health_component_status{component=\"audit-service\"} 0"), samples(out));
        assertTrue(out.toString().contains("# HELP simpletuner_health_component_status Component health status "
                + "(0=unhealthy, 1=degraded, 2=healthy)"), out.toString());
    }

    @Test
    void breakersMapStatesToNumbersAndSkipWhatIsUnknown() {
        Map<String, BreakerFigures> breakers = new LinkedHashMap<>();
        breakers.put("replicate", new BreakerFigures("open", 5L));
        breakers.put("generic", new BreakerFigures("half_open", null));
        breakers.put("odd", new BreakerFigures("sideways", 1L));
        breakers.put("none", null);
        PrometheusText out = new PrometheusText();
        PrometheusExporter.breakers(out, new JobFigures(null, null, null, null, null, breakers, null, null));
        assertEquals(List.of(
                "simpletuner_circuit_breaker_state{provider=\"replicate\"} 2",
                "simpletuner_circuit_breaker_state{provider=\"generic\"} 1",
                "simpletuner_circuit_breaker_failures_total{provider=\"replicate\"} 5",
                "simpletuner_circuit_breaker_failures_total{provider=\"odd\"} 1"), samples(out));
        // the original's encoding, which existing alerts (== 2 for open) compare against
        assertTrue(out.toString().contains("(0=closed, 1=half_open, 2=open)"), out.toString());
    }

    @Test
    void approvalsWriteTheCountsTheyAreGiven() {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        byStatus.put("pending", 3L);
        byStatus.put("approved", 25L);
        PrometheusText out = new PrometheusText();
        PrometheusExporter.approvals(out, new ApprovalFigures(3L, byStatus));
        assertEquals(List.of("simpletuner_approval_requests_pending 3",
                "simpletuner_approval_requests_by_status{status=\"pending\"} 3",
                "simpletuner_approval_requests_by_status{status=\"approved\"} 25"), samples(out));
        PrometheusText unknown = new PrometheusText();
        PrometheusExporter.approvals(unknown, new ApprovalFigures(null, null));
        assertEquals(List.of(), samples(unknown), "unknown counts are left out, not written as 0");
    }

    @Test
    void providersWriteOnlyTheFiguresTheyReport() {
        Map<String, ProviderFigures> providers = new LinkedHashMap<>();
        providers.put("replicate", new ProviderFigures(45.5, null));
        providers.put("other", new ProviderFigures(null, 150.0));
        PrometheusText out = new PrometheusText();
        PrometheusExporter.providers(out, new JobFigures(null, null, null, null, null, null, providers, null));
        assertEquals(List.of("simpletuner_cost_limit_percent_used{provider=\"replicate\"} 45.5",
                "simpletuner_credit_balance_usd{provider=\"other\"} 150"), samples(out));
    }

    @Test
    void httpLatencyIsTheSumOverTheCountPerEndpoint() {
        PrometheusText out = new PrometheusText();
        PrometheusExporter.http(out, new HttpFigures(Map.of("GET_/x", 4L), Map.of("GET_/x_404", 1L),
                Map.of("GET_/x", 10.0)));
        assertEquals(List.of("simpletuner_http_requests_total{endpoint=\"GET_/x\"} 4",
                "simpletuner_http_errors_total{endpoint_status=\"GET_/x_404\"} 1",
                "simpletuner_http_request_latency_ms_avg{endpoint=\"GET_/x\"} 2.5"), samples(out));
    }

    @Test
    void rateLimitsAreTwoPlainSamples() {
        PrometheusText out = new PrometheusText();
        PrometheusExporter.rateLimits(out, new RateLimitFigures(15, 42));
        assertEquals(List.of("simpletuner_rate_limit_violations_total 15", "simpletuner_rate_limit_tracked_clients 42"),
                samples(out));
    }

    @Test
    void auditCountsEverAppendedEntriesFromTheChainHead() {
        PrometheusText out = new PrometheusText();
        PrometheusExporter.audit(out, new AuditFigures(1500L, 120L, Map.of("config.changed", 3L), 1600L));
        assertEquals(List.of("simpletuner_audit_log_entries_total 1600", "simpletuner_audit_log_entries_24h 120",
                "simpletuner_audit_log_entries_by_type{event_type=\"config.changed\"} 3",
                "simpletuner_audit_log_entries_stored 1500"), samples(out));

        PrometheusText withoutHead = new PrometheusText();
        PrometheusExporter.audit(withoutHead, new AuditFigures(1500L, null, null, null));
        assertEquals(List.of("simpletuner_audit_log_entries_total 1500", "simpletuner_audit_log_entries_stored 1500"),
                samples(withoutHead));
    }

    @Test
    void samplesAreCountedFromTheGuidesFamiliesOnly() {
        assertEquals(2, PrometheusExporter.countSamples("# HELP simpletuner_a x\n# TYPE simpletuner_a gauge\n"
                + "simpletuner_a 1\nsimpletuner_b{x=\"1\"} 2\nother_metric 3\n"));
        assertEquals(0, PrometheusExporter.countSamples(""));
    }

    @Test
    void aDisabledExportIsOneComment() {
        String text = PrometheusExporter.disabled();
        assertTrue(text.startsWith("# Prometheus export is disabled"), text);
        assertEquals(1, text.lines().count());
        assertFalse(text.contains("simpletuner_"));
    }
}
