package io.tuneops.metrics.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.client.OwnerFiguresClient;
import io.tuneops.metrics.client.TrafficCountersClient;
import io.tuneops.metrics.client.TrafficCountersClient.HttpFigures;
import io.tuneops.metrics.client.TrafficCountersClient.RateLimitFigures;
import io.tuneops.support.figures.ApprovalFigures;
import io.tuneops.support.figures.AuditFigures;
import io.tuneops.support.figures.BreakerFigures;
import io.tuneops.support.figures.JobFigures;
import io.tuneops.support.figures.ProviderFigures;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Renders the enabled categories as Prometheus text. Every figure is cluster-wide and read from
 * its owner at scrape time, all owners in parallel: jobs, circuit breakers, providers and
 * approval requests from webhook-service, audit counts from audit-service, HTTP and rate-limit counters from the
 * gateway's Redis counters, health from this service's own checks. A category whose owner cannot
 * be read is replaced by a comment and {@code simpletuner_scrape_error{category="..."} 1}; the
 * rest of the scrape still answers.
 */
@ApplicationScoped
public class PrometheusExporter {

    private static final Logger LOG = Logger.getLogger(PrometheusExporter.class);
    /**
     * The original implementation's encoding, which existing dashboards and alerts compare against
     * ({@code == 2} means open): severity rises with the number.
     */
    private static final Map<String, Integer> BREAKER_STATES = Map.of("closed", 0, "half_open", 1, "open", 2);
    /** The original's encoding of a component's health (its HELP: 0=unhealthy, 1=degraded, 2=healthy). */
    private static final Map<String, Integer> COMPONENT_STATES = Map.of(
            HealthChecks.HEALTHY, 2, HealthChecks.DEGRADED, 1, HealthChecks.UNHEALTHY, 0);

    private final ExportConfigService config;
    private final OwnerFiguresClient owners;
    private final TrafficCountersClient traffic;
    private final HealthChecks health;

    public PrometheusExporter(ExportConfigService config, OwnerFiguresClient owners, TrafficCountersClient traffic,
                              HealthChecks health) {
        this.config = config;
        this.owners = owners;
        this.traffic = traffic;
        this.health = health;
    }

    /** What a scrape answers: the text, and whether the stored configuration could be read to make it. */
    public record Scrape(boolean configurationRead, String text) {
    }

    /** The export as it would look with {@code categories_used}, and how many samples it has. */
    public record Preview(String content, int metric_count, List<String> categories_used) {
    }

    /** A fetched figure or the reason it could not be fetched. */
    record Outcome<T>(T value, String error) {
        static <T> Outcome<T> skipped() {
            return new Outcome<>(null, null);
        }
    }

    public static String disabled() {
        return new PrometheusText()
                .comment("Prometheus export is disabled; enable it with PUT /api/cloud/metrics/config "
                        + "{\"prometheus_enabled\": true} or POST /api/cloud/metrics/config/templates/standard")
                .toString();
    }

    /**
     * The scrape endpoint's answer: the enabled categories, one comment line while the export is
     * disabled, or a comment saying why when the configuration cannot be read at all.
     */
    public Uni<Scrape> scrape() {
        return config.forScrape().flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new Scrape(false, new PrometheusText()
                        .comment("The export configuration could not be read (PostgreSQL does not answer)").toString()));
            }
            if (!found.get().prometheusEnabled()) {
                return Uni.createFrom().item(new Scrape(true, disabled()));
            }
            return render(found.get().prometheusCategories()).map(text -> new Scrape(true, text));
        });
    }

    /** The export of {@code categories} (known ids, catalogue order), whether the export is enabled or not. */
    public Uni<Preview> preview(List<String> categories) {
        return render(categories).map(content -> new Preview(content, countSamples(content), categories));
    }

    /** The export of the configured categories, whether the export is enabled or not. */
    public Uni<Preview> previewConfigured() {
        return config.get().flatMap(stored -> preview(stored.prometheusCategories()));
    }

    /** Sample lines of an export: every line of one of the guide's families that is not a comment. */
    static int countSamples(String content) {
        int count = 0;
        for (String line : content.split("\n")) {
            if (line.startsWith("simpletuner_")) {
                count++;
            }
        }
        return count;
    }

    /** The export of {@code categories} (known ids, catalogue order). */
    public Uni<String> render(List<String> categories) {
        boolean webhook = categories.contains("jobs") || categories.contains("circuit_breakers")
                || categories.contains("provider") || categories.contains("approvals");
        Uni<Outcome<JobFigures>> jobs = attempt(webhook, owners::jobs);
        Uni<Outcome<AuditFigures>> audit = attempt(categories.contains("audit"), owners::audit);
        Uni<Outcome<HttpFigures>> http = attempt(categories.contains("http"), traffic::http);
        Uni<Outcome<RateLimitFigures>> limits = attempt(categories.contains("rate_limits"), traffic::rateLimits);
        Uni<Outcome<HealthChecks.Report>> checks = attempt(categories.contains("health"), health::check);
        return Uni.combine().all().unis(jobs, audit, http, limits, checks).with((j, a, h, l, c) -> {
            PrometheusText out = new PrometheusText();
            Map<String, String> errors = new LinkedHashMap<>();
            for (String category : categories) {
                String error = switch (category) {
                    case "jobs" -> write(out, category, j, f -> jobs(out, f));
                    case "http" -> write(out, category, h, f -> http(out, f));
                    case "rate_limits" -> write(out, category, l, f -> rateLimits(out, f));
                    case "approvals" -> write(out, category, approvalsOf(j), f -> approvals(out, f));
                    case "audit" -> write(out, category, a, f -> audit(out, f));
                    case "health" -> write(out, category, c, f -> health(out, f));
                    case "circuit_breakers" -> write(out, category, j, f -> breakers(out, f));
                    case "provider" -> write(out, category, j, f -> providers(out, f));
                    default -> "unknown category";
                };
                errors.put(category, error);
            }
            if (!categories.isEmpty()) {
                out.family(MetricCatalog.SCRAPE_ERROR, "gauge",
                        "1 when the figures of a category could not be read from their owner during this scrape, else 0");
                errors.forEach((category, error) -> out.sample(MetricCatalog.SCRAPE_ERROR, "category", category,
                        error == null ? 0 : 1));
            } else {
                out.comment("No metric category is enabled");
            }
            return out.toString();
        });
    }

    private static <T> Uni<Outcome<T>> attempt(boolean needed, Supplier<Uni<T>> fetch) {
        if (!needed) {
            return Uni.createFrom().item(Outcome.skipped());
        }
        return Uni.createFrom().<T>deferred(fetch::get)
                .map(value -> new Outcome<T>(value, null))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("metrics figures not fetched: %s", e.toString());
                    return new Outcome<>(null, ServiceReadiness.reason(e));
                });
    }

    private static <T> String write(PrometheusText out, String category, Outcome<T> outcome,
                                    Consumer<T> writer) {
        if (outcome.error() != null || outcome.value() == null) {
            String reason = outcome.error() == null ? "no figures" : outcome.error();
            out.comment(category + ": figures unavailable during this scrape (" + reason + ")");
            return reason;
        }
        writer.accept(outcome.value());
        return null;
    }

    static void jobs(PrometheusText out, JobFigures f) {
        out.family("simpletuner_jobs_total", "counter", "Training jobs submitted, whatever their status (webhook-service)");
        sample(out, "simpletuner_jobs_total", f.jobs_total());
        out.family("simpletuner_jobs_by_status", "gauge", "Training jobs per status (webhook-service)");
        if (f.jobs_by_status() != null) {
            out.samples("simpletuner_jobs_by_status", "status", f.jobs_by_status());
        }
        out.family("simpletuner_jobs_active", "gauge", "Training jobs not finished yet: pending, queued or running (webhook-service)");
        sample(out, "simpletuner_jobs_active", f.jobs_active());
        out.family("simpletuner_cost_usd_total", "counter", "Cost of all training jobs in US dollars (webhook-service)");
        sample(out, "simpletuner_cost_usd_total", f.cost_usd_total());
        out.family("simpletuner_job_duration_seconds_avg", "gauge",
                "Average duration of finished training jobs in seconds (webhook-service)");
        sample(out, "simpletuner_job_duration_seconds_avg", f.job_duration_seconds_avg());
    }

    static void http(PrometheusText out, HttpFigures f) {
        out.family("simpletuner_http_requests_total", "counter",
                "HTTP requests through the gateway per endpoint, all replicas (gateway counters in Redis)");
        out.samples("simpletuner_http_requests_total", "endpoint", f.requests());
        out.family("simpletuner_http_errors_total", "counter",
                "HTTP responses with status >= 400 per endpoint and status, all replicas (gateway counters in Redis)");
        out.samples("simpletuner_http_errors_total", "endpoint_status", f.errors());
        out.family("simpletuner_http_request_latency_ms_avg", "gauge",
                "Average gateway request latency in milliseconds per endpoint, all replicas (gateway counters in Redis)");
        f.requests().forEach((endpoint, count) -> {
            Double sum = f.latencyMsSum().get(endpoint);
            if (sum != null && count > 0) {
                out.sample("simpletuner_http_request_latency_ms_avg", "endpoint", endpoint,
                        Math.round(sum / count * 1000.0) / 1000.0);
            }
        });
    }

    static void rateLimits(PrometheusText out, RateLimitFigures f) {
        out.family("simpletuner_rate_limit_violations_total", "counter",
                "Requests refused by a rate limit, all gateway replicas (gateway counters in Redis)");
        out.sample("simpletuner_rate_limit_violations_total", f.violations());
        out.family("simpletuner_rate_limit_tracked_clients", "gauge", "Distinct clients the rate limiter saw in the last "
                + TrafficCountersClient.TRACKED_CLIENT_MINUTES + " minutes (HyperLogLog estimate, gateway counters in Redis)");
        out.sample("simpletuner_rate_limit_tracked_clients", f.trackedClients());
    }

    /** The approvals part of webhook-service's figures; missing (an owner that does not send it) is "no figures". */
    private static Outcome<ApprovalFigures> approvalsOf(Outcome<JobFigures> jobs) {
        return new Outcome<>(jobs.value() == null ? null : jobs.value().approvals(), jobs.error());
    }

    static void approvals(PrometheusText out, ApprovalFigures f) {
        out.family("simpletuner_approval_requests_pending", "gauge",
                "Approval requests waiting for a decision, all replicas (webhook-service)");
        sample(out, "simpletuner_approval_requests_pending", f.requests_pending());
        out.family("simpletuner_approval_requests_by_status", "gauge",
                "Approval requests per status: pending, approved, rejected, cancelled, expired (webhook-service)");
        if (f.requests_by_status() != null) {
            out.samples("simpletuner_approval_requests_by_status", "status", f.requests_by_status());
        }
    }

    static void audit(PrometheusText out, AuditFigures f) {
        Long appended = f.chain_head_seq() != null ? f.chain_head_seq() : f.entries_total();
        out.family("simpletuner_audit_log_entries_total", "counter",
                "Audit entries appended since the trail began; retention does not lower it (audit-service)");
        sample(out, "simpletuner_audit_log_entries_total", appended);
        out.family("simpletuner_audit_log_entries_24h", "gauge", "Audit entries of the last 24 hours (audit-service)");
        sample(out, "simpletuner_audit_log_entries_24h", f.entries_24h());
        out.family("simpletuner_audit_log_entries_by_type", "gauge",
                "Audit entries stored per event type, after retention (audit-service)");
        if (f.entries_by_type() != null) {
            out.samples("simpletuner_audit_log_entries_by_type", "event_type", f.entries_by_type());
        }
        out.family("simpletuner_audit_log_entries_stored", "gauge", "Audit entries stored, after retention (audit-service)");
        sample(out, "simpletuner_audit_log_entries_stored", f.entries_total());
    }

    static void health(PrometheusText out, HealthChecks.Report report) {
        out.family("simpletuner_uptime_seconds", "gauge",
                "Seconds since the metrics-service process answering this scrape started");
        out.sample("simpletuner_uptime_seconds", Math.round(report.uptimeSeconds() * 10.0) / 10.0);
        latency(out, report, "database", "simpletuner_health_database_latency_ms", "PostgreSQL");
        out.family("simpletuner_health_component_status", "gauge",
                "Component health status (0=unhealthy, 1=degraded, 2=healthy), per component of /api/cloud/health");
        // a status outside the three (none is produced today) counts as unhealthy rather than vanishing
        report.components().forEach(c -> out.sample("simpletuner_health_component_status", "component", c.name(),
                COMPONENT_STATES.getOrDefault(c.status(), 0)));
    }

    private static void latency(PrometheusText out, HealthChecks.Report report, String component, String name,
                                String what) {
        out.family(name, "gauge", what + " round trip in milliseconds (absent while " + what + " does not answer)");
        report.components().stream().filter(c -> c.name().equals(component) && c.healthy() && c.latencyMs() != null)
                .findFirst().ifPresent(c -> out.sample(name, c.latencyMs()));
    }

    static void breakers(PrometheusText out, JobFigures f) {
        Map<String, BreakerFigures> breakers = f.circuit_breakers() == null ? Map.of() : f.circuit_breakers();
        out.family("simpletuner_circuit_breaker_state", "gauge",
                "Provider circuit breaker state (0=closed, 1=half_open, 2=open) (webhook-service, all replicas)");
        breakers.forEach((provider, b) -> {
            Integer state = b == null || b.state() == null ? null : BREAKER_STATES.get(b.state());
            if (state != null) {
                out.sample("simpletuner_circuit_breaker_state", "provider", provider, state);
            }
        });
        out.family("simpletuner_circuit_breaker_failures_total", "counter",
                "Failed provider calls the circuit breaker counted (webhook-service, all replicas)");
        breakers.forEach((provider, b) -> {
            if (b != null && b.failures() != null) {
                out.sample("simpletuner_circuit_breaker_failures_total", "provider", provider, b.failures());
            }
        });
    }

    static void providers(PrometheusText out, JobFigures f) {
        Map<String, ProviderFigures> providers = f.providers() == null ? Map.of() : f.providers();
        out.family("simpletuner_cost_limit_percent_used", "gauge",
                "Share of the provider's configured cost limit used, in percent (webhook-service)");
        providers.forEach((provider, p) -> {
            if (p != null && p.cost_limit_percent_used() != null) {
                out.sample("simpletuner_cost_limit_percent_used", "provider", provider, p.cost_limit_percent_used());
            }
        });
        out.family("simpletuner_credit_balance_usd", "gauge",
                "Credit balance the provider reports, in US dollars; absent where the provider reports none (webhook-service)");
        providers.forEach((provider, p) -> {
            if (p != null && p.credit_balance() != null) {
                out.sample("simpletuner_credit_balance_usd", "provider", provider, p.credit_balance());
            }
        });
    }

    private static void sample(PrometheusText out, String name, Number value) {
        if (value != null) {
            out.sample(name, value.doubleValue());
        }
    }
}
