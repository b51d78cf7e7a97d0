package io.tuneops.metrics;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.metrics.PrometheusTextParser.Family;
import io.tuneops.metrics.service.MetricCatalog;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = FakeServicesResource.class, scope = TestResourceScope.GLOBAL)
class PrometheusExportTest extends MetricsTestSupport {

    private static final String SUBMIT = "POST_/api/cloud/jobs/submit";

    @Test
    void disabledIsOneCommentLine() {
        String body = scrape();
        assertTrue(body.matches("# [^\\n]*\\n"), body);
        assertTrue(PrometheusTextParser.parse(body).isEmpty());
        assertTrue(FakeServicesResource.FIGURES_CALLS.isEmpty(), "a disabled export asks no owner");
    }

    @Test
    void everyDocumentedNameIsThereWhenItsCategoryIsOnAndAbsentWhenOff() {
        for (MetricCatalog.Category category : MetricCatalog.categories()) {
            configure(true, category.id());
            Map<String, Family> families = PrometheusTextParser.parse(scrape());
            Set<String> expected = new java.util.LinkedHashSet<>(category.metrics());
            expected.add(MetricCatalog.SCRAPE_ERROR);
            assertEquals(expected, families.keySet(), "families of " + category.id());
            assertEquals(0.0, families.get(MetricCatalog.SCRAPE_ERROR).value("category", category.id()));
            families.values().forEach(f -> assertFalse(f.help().isBlank(), "HELP of " + f.name()));
        }
        configure(true, MetricCatalog.categoryIds().toArray(String[]::new));
        Map<String, Family> all = PrometheusTextParser.parse(scrape());
        Set<String> every = MetricCatalog.categories().stream().flatMap(c -> c.metrics().stream())
                .collect(Collectors.toSet());
        assertTrue(all.keySet().containsAll(every), "full export misses " + every.stream()
                .filter(n -> !all.containsKey(n)).toList());
        for (String guideName : List.of("simpletuner_uptime_seconds", "simpletuner_jobs_total", "simpletuner_jobs_by_status",
                "simpletuner_jobs_active", "simpletuner_cost_usd_total", "simpletuner_job_duration_seconds_avg",
                "simpletuner_http_requests_total", "simpletuner_http_errors_total", "simpletuner_http_request_latency_ms_avg",
                "simpletuner_rate_limit_violations_total", "simpletuner_rate_limit_tracked_clients",
                "simpletuner_approval_requests_pending", "simpletuner_approval_requests_by_status",
                "simpletuner_audit_log_entries_total", "simpletuner_audit_log_entries_24h",
                "simpletuner_circuit_breaker_state", "simpletuner_circuit_breaker_failures_total",
                "simpletuner_cost_limit_percent_used", "simpletuner_credit_balance_usd",
                "simpletuner_health_database_latency_ms")) {
            assertTrue(all.containsKey(guideName), guideName);
        }
        all.values().stream().filter(f -> f.name().endsWith("_total"))
                .forEach(f -> assertEquals("counter", f.type(), f.name() + " is a counter"));
        all.values().stream().filter(f -> !f.name().endsWith("_total"))
                .forEach(f -> assertEquals("gauge", f.type(), f.name() + " is a gauge"));
    }

    @Test
    void jobsAreWebhookServicesFigures() {
        configure(true, "jobs");
        Map<String, Family> f = PrometheusTextParser.parse(scrape());
        assertEquals(12.0, f.get("simpletuner_jobs_total").only().value());
        assertEquals(7.0, f.get("simpletuner_jobs_by_status").value("status", "completed"));
        assertEquals(1.0, f.get("simpletuner_jobs_by_status").value("status", "queued"));
        assertEquals(0.0, f.get("simpletuner_jobs_by_status").value("status", "pending"));
        assertEquals(6, f.get("simpletuner_jobs_by_status").samples().size());
        assertEquals(3.0, f.get("simpletuner_jobs_active").only().value());
        assertEquals(4.25, f.get("simpletuner_cost_usd_total").only().value());
        assertEquals(812.5, f.get("simpletuner_job_duration_seconds_avg").only().value());
        assertEquals(1, FakeServicesResource.FIGURES_CALLS.get(FakeServicesResource.JOBS).get());
    }

    @Test
    void circuitBreakersAndProvidersComeFromTheSameFetch() {
        FakeServicesResource.FIGURES.put(FakeServicesResource.JOBS, """
                {"jobs_total": 1, "jobs_by_status": {"running": 1}, "jobs_active": 1, "cost_usd_total": null,
                 "job_duration_seconds_avg": null,
                 "circuit_breakers": {"replicate": {"state": "open", "failures": 5},
                                      "we\\"ird\\\\name": {"state": "half_open", "failures": 9},
                                      "fresh": {"state": "closed", "failures": null}},
                 "providers": {"replicate": {"cost_limit_percent_used": 45.5, "credit_balance": 150.0},
                               "other": {"cost_limit_percent_used": null, "credit_balance": null}},
                 "a_field_from_a_later_version": true}""");
        configure(true, "jobs", "circuit_breakers", "provider");
        String body = scrape();
        Map<String, Family> f = PrometheusTextParser.parse(body);
        assertEquals(1, FakeServicesResource.FIGURES_CALLS.get(FakeServicesResource.JOBS).get(), "one fetch for three categories");
        Family state = f.get("simpletuner_circuit_breaker_state");
        // the original's encoding: 0 closed, 1 half-open, 2 open
        assertEquals(2.0, state.value("provider", "replicate"));
        assertEquals(1.0, state.value("provider", "we\"ird\\name"));
        assertEquals(0.0, state.value("provider", "fresh"));
        assertTrue(body.contains("provider=\"we\\\"ird\\\\name\""), "label value escaped in the text");
        Family failures = f.get("simpletuner_circuit_breaker_failures_total");
        assertEquals(5.0, failures.value("provider", "replicate"));
        assertEquals(2, failures.samples().size(), "unknown failures are left out");
        assertEquals(45.5, f.get("simpletuner_cost_limit_percent_used").only().value());
        assertEquals(150.0, f.get("simpletuner_credit_balance_usd").value("provider", "replicate"));
        assertEquals(1, f.get("simpletuner_credit_balance_usd").samples().size());
        // unknown values: the family stays (HELP/TYPE), the sample goes
        assertTrue(f.get("simpletuner_cost_usd_total").samples().isEmpty());
        assertTrue(f.get("simpletuner_job_duration_seconds_avg").samples().isEmpty());
    }

    @Test
    void httpAndRateLimitsAreTheGatewaysClusterWideCounters() {
        // written the way every gateway replica's TrafficCounters flushes them
        redis.hash(Long.class).hincrby(TrafficKeys.REQUESTS, SUBMIT, 30);
        redis.hash(Long.class).hincrby(TrafficKeys.REQUESTS, SUBMIT, 20);
        redis.hash(Long.class).hincrby(TrafficKeys.REQUESTS, "GET_/api/cloud/jobs/{job_id}", 4);
        redis.hash(Double.class).hincrbyfloat(TrafficKeys.LATENCY_SUM_MS, SUBMIT, 10_000.0);
        redis.hash(Double.class).hincrbyfloat(TrafficKeys.LATENCY_SUM_MS, SUBMIT, 2_525.0);
        redis.hash(Double.class).hincrbyfloat(TrafficKeys.LATENCY_SUM_MS, "GET_/api/cloud/jobs/{job_id}", 10.0);
        redis.hash(Long.class).hincrby(TrafficKeys.ERRORS, SUBMIT + "_500", 2);
        redis.hash(Long.class).hincrby(TrafficKeys.ERRORS, "GET_/api/cloud/jobs/{job_id}_404", 1);
        redis.value(Long.class).incrby(TrafficKeys.VIOLATIONS, 10);
        redis.value(Long.class).incrby(TrafficKeys.VIOLATIONS, 5);
        long minute = Instant.now().getEpochSecond() / 60;
        for (int i = 0; i < 42; i++) {
            redis.hyperloglog(String.class).pfadd(TrafficKeys.CLIENTS_PREFIX + (minute - (i % 3)), "client-" + i);
        }
        redis.hyperloglog(String.class).pfadd(TrafficKeys.CLIENTS_PREFIX + (minute - 1), "client-1", "client-2");
        for (int i = 0; i < 20; i++) {
            redis.hyperloglog(String.class).pfadd(TrafficKeys.CLIENTS_PREFIX + (minute - 15), "old-client-" + i);
        }

        configure(true, "http", "rate_limits");
        Map<String, Family> f = PrometheusTextParser.parse(scrape());
        Family requests = f.get("simpletuner_http_requests_total");
        assertEquals(50.0, requests.value("endpoint", SUBMIT));
        assertEquals(4.0, requests.value("endpoint", "GET_/api/cloud/jobs/{job_id}"));
        assertEquals(2.0, f.get("simpletuner_http_errors_total").value("endpoint_status", SUBMIT + "_500"));
        assertEquals(1.0, f.get("simpletuner_http_errors_total").value("endpoint_status", "GET_/api/cloud/jobs/{job_id}_404"));
        assertEquals(250.5, f.get("simpletuner_http_request_latency_ms_avg").value("endpoint", SUBMIT));
        assertEquals(2.5, f.get("simpletuner_http_request_latency_ms_avg").value("endpoint", "GET_/api/cloud/jobs/{job_id}"));
        assertEquals(15.0, f.get("simpletuner_rate_limit_violations_total").only().value());
        double tracked = f.get("simpletuner_rate_limit_tracked_clients").only().value();
        assertTrue(tracked >= 41 && tracked <= 43, "42 distinct recent clients (HyperLogLog), got " + tracked);

        // another gateway replica adds to the same counters: the export follows, never goes back
        redis.hash(Long.class).hincrby(TrafficKeys.REQUESTS, SUBMIT, 7);
        assertEquals(57.0, PrometheusTextParser.parse(scrape()).get("simpletuner_http_requests_total")
                .value("endpoint", SUBMIT));
    }

    @Test
    void nothingCountedYetIsZeroNotMissing() {
        configure(true, "http", "rate_limits");
        Map<String, Family> f = PrometheusTextParser.parse(scrape());
        assertTrue(f.get("simpletuner_http_requests_total").samples().isEmpty());
        assertEquals(0.0, f.get("simpletuner_rate_limit_violations_total").only().value());
        assertEquals(0.0, f.get("simpletuner_rate_limit_tracked_clients").only().value());
    }

    @Test
    void auditIsAuditServicesFigures() {
        configure(true, "audit");
        Map<String, Family> f = PrometheusTextParser.parse(scrape());
        assertEquals(1600.0, f.get("simpletuner_audit_log_entries_total").only().value(), "appended ever: the chain head");
        assertEquals(120.0, f.get("simpletuner_audit_log_entries_24h").only().value());
        assertEquals(1497.0, f.get("simpletuner_audit_log_entries_by_type").value("event_type", "webhook_rejected"));
        assertEquals(3.0, f.get("simpletuner_audit_log_entries_by_type").value("event_type", "config.changed"));
        assertEquals(1500.0, f.get("simpletuner_audit_log_entries_stored").only().value());
    }

    @Test
    void approvalsAreWebhookServicesFigures() {
        configure(true, "approvals");
        Map<String, Family> f = PrometheusTextParser.parse(scrape());
        assertEquals(3.0, f.get("simpletuner_approval_requests_pending").only().value());
        assertTrue(f.get("simpletuner_approval_requests_pending").help().contains("webhook-service"));
        Family byStatus = f.get("simpletuner_approval_requests_by_status");
        assertEquals(25.0, byStatus.value("status", "approved"));
        assertEquals(4.0, byStatus.value("status", "expired"));
        assertEquals(5, byStatus.samples().size());
        assertEquals(0.0, f.get(MetricCatalog.SCRAPE_ERROR).value("category", "approvals"));
    }

    @Test
    void figuresWithoutTheirApprovalsPartAreAnApprovalsScrapeError() {
        FakeServicesResource.FIGURES.put(FakeServicesResource.JOBS, MetricsTestSupport.JOB_FIGURES
                .replaceAll(",\\s*\"approvals\"[^}]*}}", ""));
        configure(true, "jobs", "approvals");
        String body = scrape();
        Map<String, Family> f = PrometheusTextParser.parse(body);
        assertEquals(1.0, f.get(MetricCatalog.SCRAPE_ERROR).value("category", "approvals"), body);
        assertEquals(0.0, f.get(MetricCatalog.SCRAPE_ERROR).value("category", "jobs"));
        assertFalse(f.containsKey("simpletuner_approval_requests_pending"), "no made-up zero");
        assertTrue(body.contains("# approvals: figures unavailable during this scrape (no figures)"), body);
    }

    @Test
    void healthIsUptimeSinceProcessStartLatencyAndComponents() {
        configure(true, "health");
        double before = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        Map<String, Family> f = PrometheusTextParser.parse(scrape());
        double after = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        double uptime = f.get("simpletuner_uptime_seconds").only().value();
        assertTrue(uptime >= before - 0.1 && uptime <= after + 0.1,
                "uptime " + uptime + " counts from process start (" + before + ".." + after + ")");
        double db = f.get("simpletuner_health_database_latency_ms").only().value();
        assertTrue(db > 0 && db < 1000, "database latency " + db);
        Family status = f.get("simpletuner_health_component_status");
        for (String component : List.of("database", "redis", "secrets", "gateway-service", "webhook-service",
                "storage-service", "audit-service")) {
            assertEquals(2.0, status.value("component", component), component);
        }

        FakeServicesResource.STATUS.put("storage", 503);
        Family degraded = PrometheusTextParser.parse(scrape()).get("simpletuner_health_component_status");
        assertEquals(0.0, degraded.value("component", "storage-service"));
        assertEquals(2.0, degraded.value("component", "audit-service"));
    }

    @Test
    void anOwnerThatFailsMarksItsCategoriesAndTheRestStillAnswers() {
        FakeServicesResource.FIGURES_STATUS.put(FakeServicesResource.JOBS, 500);
        configure(true, MetricCatalog.categoryIds().toArray(String[]::new));
        String body = scrape();
        Map<String, Family> f = PrometheusTextParser.parse(body);
        Family errors = f.get(MetricCatalog.SCRAPE_ERROR);
        for (String failed : List.of("jobs", "circuit_breakers", "provider", "approvals")) {
            assertEquals(1.0, errors.value("category", failed), failed);
            assertTrue(body.contains("# " + failed + ": figures unavailable during this scrape (webhook-service answered HTTP 500)"),
                    body);
        }
        for (String fine : List.of("http", "rate_limits", "audit", "health")) {
            assertEquals(0.0, errors.value("category", fine), fine);
        }
        assertFalse(f.containsKey("simpletuner_jobs_total"));
        assertFalse(f.containsKey("simpletuner_circuit_breaker_state"));
        assertEquals(1600.0, f.get("simpletuner_audit_log_entries_total").only().value());
    }

    @Test
    void anOwnerThatHangsCostsTheFetchTimeoutNotTheScrape() {
        FakeServicesResource.FIGURES_STATUS.put(FakeServicesResource.AUDIT, 0);
        configure(true, "jobs", "audit");
        long start = System.nanoTime();
        Map<String, Family> f = PrometheusTextParser.parse(scrape());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 4_000, "scrape took " + millis + " ms with a 1 s fetch timeout");
        assertEquals(1.0, f.get(MetricCatalog.SCRAPE_ERROR).value("category", "audit"));
        assertEquals(0.0, f.get(MetricCatalog.SCRAPE_ERROR).value("category", "jobs"));
        assertEquals(12.0, f.get("simpletuner_jobs_total").only().value());
    }

    @Test
    void malformedFiguresAreAScrapeErrorToo() {
        FakeServicesResource.FIGURES.put(FakeServicesResource.AUDIT, "{\"entries_total\": \"many\"");
        configure(true, "audit");
        String body = scrape();
        assertEquals(1.0, PrometheusTextParser.parse(body).get(MetricCatalog.SCRAPE_ERROR).value("category", "audit"));
        assertTrue(body.contains("not the agreed JSON"), body);
    }

    @Test
    void theScrapeIsTheSameWhicheverReplicaReadsTheConfiguration() {
        configure(true, "approvals");
        // another replica changed the stored configuration: this one follows at the next scrape
        pool.query("UPDATE metrics.export_config SET prometheus_categories = ARRAY['audit']").execute()
                .await().indefinitely();
        Map<String, Family> f = PrometheusTextParser.parse(scrape());
        assertTrue(f.containsKey("simpletuner_audit_log_entries_total"));
        assertFalse(f.containsKey("simpletuner_approval_requests_pending"));
        RestAssured.get("/api/cloud/metrics/prometheus").then().header("Content-Type",
                "text/plain; version=0.0.4; charset=utf-8");
    }

    /** The gateway's key names, spelled out here as the contract test's own copy. */
    static final class TrafficKeys {
        static final String REQUESTS = "tuneops:metrics:http:requests";
        static final String ERRORS = "tuneops:metrics:http:errors";
        static final String LATENCY_SUM_MS = "tuneops:metrics:http:latency_ms_sum";
        static final String VIOLATIONS = "tuneops:metrics:rate_limit:violations";
        static final String CLIENTS_PREFIX = "tuneops:metrics:rate_limit:clients:";
    }
}
