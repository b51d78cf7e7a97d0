package io.tuneops.system;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guide's Prometheus export through the gateway, on the whole suite: an admin applies the
 * {@code full} template, a job is submitted and completed through a signed webhook, and the scrape
 * shows it; the job figures (maintained aggregates in webhook-service) agree with a count over the
 * job table (the job listing), every documented family is there with its type, and
 * {@code promtool check metrics} reads the scrape.
 */
@ExtendWith(Suite.Extension.class)
class MetricsIT {

    private static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String PROMETHEUS = "/api/cloud/metrics/prometheus";
    private static final List<String> STATUSES = List.of("pending", "queued", "running", "completed", "failed", "cancelled");
    /** docs/metrics.md, "Metrics by category": every family of the {@code full} template and its type. */
    private static final Map<String, String> FAMILIES = new LinkedHashMap<>();

    static {
        for (String counter : List.of("simpletuner_jobs_total", "simpletuner_cost_usd_total", "simpletuner_http_requests_total",
                "simpletuner_http_errors_total", "simpletuner_rate_limit_violations_total", "simpletuner_audit_log_entries_total",
                "simpletuner_circuit_breaker_failures_total")) {
            FAMILIES.put(counter, "counter");
        }
        for (String gauge : List.of("simpletuner_jobs_by_status", "simpletuner_jobs_active", "simpletuner_job_duration_seconds_avg",
                "simpletuner_http_request_latency_ms_avg", "simpletuner_rate_limit_tracked_clients",
                "simpletuner_approval_requests_pending", "simpletuner_approval_requests_by_status",
                "simpletuner_audit_log_entries_24h", "simpletuner_audit_log_entries_by_type", "simpletuner_audit_log_entries_stored",
                "simpletuner_uptime_seconds", "simpletuner_health_database_latency_ms", "simpletuner_health_component_status",
                "simpletuner_circuit_breaker_state", "simpletuner_cost_limit_percent_used", "simpletuner_credit_balance_usd",
                "simpletuner_scrape_error")) {
            FAMILIES.put(gauge, "gauge");
        }
    }

    private final Suite suite = Suite.Extension.suite();
    /** This test's own client address (the suite's gateway trusts the loopback proxy): its own rate-limit windows. */
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    private Http.Reply admin(String method, String path, String body) {
        return Http.request(method, suite.gateway(path), body, "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", client);
    }

    private String scrape() {
        Http.Reply reply = Http.request("GET", suite.gateway(PROMETHEUS), null,
                "Accept", "text/plain; version=0.0.4", "X-Forwarded-For", client);
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.header("Content-Type").startsWith("text/plain; version=0.0.4"), reply.header("Content-Type"));
        return reply.body();
    }

    /** The value of one sample ({@code name} or {@code name{labels}}), or null when the scrape has none. */
    private static Double sample(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    private static double value(String scrape, String series) {
        Double v = sample(scrape, series);
        assertNotNull(v, series + " missing from the scrape:\n" + scrape);
        return v;
    }

    /** Scrapes until {@code done} holds (figures that travel through Redis or the audit stream), at most 15 s. */
    private String scrapeUntil(Predicate<String> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String text = scrape();
        while (!done.test(text) && System.nanoTime() < deadline) {
            text = scrape();
        }
        return text;
    }

    private Http.Reply report(String webhookId, String body) throws Exception {
        long ts = System.currentTimeMillis() / 1000;
        return Http.request("POST", suite.gateway("/api/webhooks/generic"), body, "Content-Type", "application/json",
                "webhook-id", webhookId, "webhook-timestamp", Long.toString(ts),
                "webhook-signature", new Webhook(WEBHOOK_SECRET).sign(webhookId, ts, body));
    }

    private long listed(String status) {
        Http.Reply list = admin("GET", "/api/cloud/jobs?status=" + status + "&limit=1", null);
        assertEquals(200, list.status(), list.body());
        return list.json().get("total").asLong();
    }

    @Test
    void theFullTemplateExportsEveryDocumentedFamilyComputedFromTheSuitesState() throws Exception {
        Http.Reply applied = admin("POST", "/api/cloud/metrics/config/templates/full", null);
        assertEquals(200, applied.status(), applied.body());
        assertTrue(applied.json().get("prometheus_enabled").asBoolean());
        assertEquals(8, applied.json().get("prometheus_categories").size(), applied.body());
        String before = scrape();

        // a job submitted by the admin and completed by a signed report: 500 s on an h100 at 0.002 USD/s
        assertEquals(200, admin("PUT", "/api/cloud/providers/generic", "{\"webhook_secret\": \"" + WEBHOOK_SECRET + "\","
                + " \"webhook_allowed_ips\": [], \"hardware_prices\": {\"h100\": 0.002}}").status());
        Http.Reply submitted = admin("POST", "/api/cloud/jobs/submit?provider=generic",
                "{\"name\": \"metrics system test\", \"hardware\": \"h100\"}");
        assertEquals(201, submitted.status(), submitted.body());
        String jobId = submitted.json().get("job_id").asText();
        String running = scrape();
        assertEquals(value(before, "simpletuner_jobs_total") + 1, value(running, "simpletuner_jobs_total"));
        assertEquals(200, report("msg_metrics_" + jobId + "_1", "{\"id\":\"" + jobId + "\",\"status\":\"processing\"}").status());
        Http.Reply done = report("msg_metrics_" + jobId + "_2", "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\","
                + "\"output\":\"https://example.com/lora.safetensors\",\"metrics\":{\"predict_time\":500}}");
        assertEquals(200, done.status(), done.body());
        assertEquals("completed", done.json().get("job_status").asText());

        // http counters arrive through Redis (each gateway flushes once a second), the audit entry through the stream
        String after = scrapeUntil(text -> {
            Double submits = sample(text, "simpletuner_http_requests_total{endpoint=\"POST_/api/cloud/jobs/submit\"}");
            Double changes = sample(text, "simpletuner_audit_log_entries_by_type{event_type=\"config.changed\"}");
            return submits != null && submits >= 1 && changes != null && changes >= 1;
        });

        // job figures: exactly one more job, completed, and one more dollar
        assertEquals(value(before, "simpletuner_jobs_total") + 1, value(after, "simpletuner_jobs_total"), after);
        assertEquals(value(before, "simpletuner_jobs_by_status{status=\"completed\"}") + 1,
                value(after, "simpletuner_jobs_by_status{status=\"completed\"}"), after);
        assertEquals(value(before, "simpletuner_cost_usd_total") + 1.0, value(after, "simpletuner_cost_usd_total"), 1e-6, after);
        assertEquals(value(before, "simpletuner_jobs_active"), value(after, "simpletuner_jobs_active"), after);
        assertTrue(value(after, "simpletuner_job_duration_seconds_avg") > 0, after);
        // the maintained totals agree with a count over the job table (the listing counts rows); a finished job
        // that was deleted stays counted (counters never go backwards), an unfinished one cannot be deleted
        long total = 0;
        for (String status : STATUSES) {
            long rows = listed(status);
            total += rows;
            double exported = value(after, "simpletuner_jobs_by_status{status=\"" + status + "\"}");
            if (List.of("pending", "queued", "running").contains(status)) {
                assertEquals(rows, exported, 0.0, status + "\n" + after);
            } else {
                assertTrue(exported >= rows, status + "\n" + after);
            }
        }
        assertTrue(listed("completed") >= 1);
        assertTrue(value(after, "simpletuner_jobs_total") >= total, after);
        assertEquals(listed("pending") + listed("queued") + listed("running"), value(after, "simpletuner_jobs_active"), 0.0, after);

        // the other categories from the suite's real state
        assertTrue(value(after, "simpletuner_http_requests_total{endpoint=\"POST_/api/cloud/jobs/submit\"}") >= 1, after);
        assertTrue(value(after, "simpletuner_audit_log_entries_by_type{event_type=\"config.changed\"}") >= 1, after);
        assertTrue(value(after, "simpletuner_audit_log_entries_total") >= value(after, "simpletuner_audit_log_entries_stored"), after);
        assertTrue(value(after, "simpletuner_audit_log_entries_24h") >= 1, after);
        for (String component : List.of("database", "redis", "secrets", "gateway-service", "webhook-service",
                "storage-service", "audit-service")) {
            // the original's encoding: 2 healthy, 1 degraded, 0 unhealthy
            assertEquals(2.0, value(after, "simpletuner_health_component_status{component=\"" + component + "\"}"), after);
        }
        assertTrue(value(after, "simpletuner_uptime_seconds") > 0, after);
        long pendingApprovals = Http.get(suite.gateway("/api/approvals/requests/pending/count")).json()
                .get("pending_count").asLong();
        assertEquals(pendingApprovals, value(after, "simpletuner_approval_requests_pending"), 0.0, after);

        // every documented family, with HELP and its type; every category read (no scrape error)
        for (Map.Entry<String, String> family : FAMILIES.entrySet()) {
            assertTrue(after.contains("\n# HELP " + family.getKey() + " ") || after.startsWith("# HELP " + family.getKey() + " "),
                    "no HELP for " + family.getKey() + "\n" + after);
            assertTrue(after.contains("# TYPE " + family.getKey() + " " + family.getValue() + "\n"),
                    "no TYPE " + family.getValue() + " for " + family.getKey() + "\n" + after);
        }
        for (String category : List.of("jobs", "http", "rate_limits", "approvals", "audit", "health", "circuit_breakers", "provider")) {
            assertEquals(0.0, value(after, "simpletuner_scrape_error{category=\"" + category + "\"}"), after);
        }

        // a real Prometheus parser reads it: only the two documented unit-name remarks, nothing else
        List<String> remarks = promtoolCheckMetrics(after);
        for (String remark : remarks) {
            assertTrue(remark.matches("simpletuner_(health_database_latency_ms|http_request_latency_ms_avg) .*abbreviated units.*"),
                    "promtool check metrics: " + remarks + "\n" + after);
        }
    }

    /** Runs {@code promtool check metrics} on the text and returns its remarks; fails when promtool is missing. */
    private List<String> promtoolCheckMetrics(String text) throws IOException, InterruptedException {
        Path promtool = promtool();
        assertNotNull(promtool, "promtool is not installed (./test.sh installs it; Debian: apt-get install prometheus)");
        Path input = Files.createTempFile("scrape", ".prom");
        try {
            Files.writeString(input, text);
            Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(input.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
            List<String> remarks = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (!line.isBlank()) {
                    remarks.add(line.trim());
                }
            }
            // exit 0: clean; 3: lint remarks only (checked by the caller); 1: it could not parse the text
            assertTrue(process.exitValue() == 0 || process.exitValue() == 3, "promtool exit " + process.exitValue() + ": " + output);
            return remarks;
        } finally {
            Files.deleteIfExists(input);
        }
    }

    /** promtool on the PATH (or /usr/bin), null when missing; ObservabilityIT runs it too. */
    static Path promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/promtool")) ? Path.of("/usr/bin/promtool") : null;
    }
}
