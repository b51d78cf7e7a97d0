package io.tuneops.metrics.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guide's metric categories (in the guide's order), the metric families each one exports, and
 * the configuration templates of its table. The single source of truth for validation, the
 * {@code /config/categories} listing and the export itself.
 */
public final class MetricCatalog {

    public record Category(String id, String name, String description, List<String> metrics) {
    }

    public record Template(String id, String name, String description, List<String> categories) {
    }

    public static final String SCRAPE_ERROR = "simpletuner_scrape_error";

    private static final Map<String, Category> CATEGORIES = new LinkedHashMap<>();
    private static final Map<String, Template> TEMPLATES = new LinkedHashMap<>();

    static {
        add("jobs", "Jobs & Costs", "Job counts, status, queue depth, costs", "simpletuner_jobs_total",
                "simpletuner_jobs_by_status", "simpletuner_jobs_active", "simpletuner_cost_usd_total",
                "simpletuner_job_duration_seconds_avg");
        add("http", "HTTP Requests", "Request counts, errors, latency", "simpletuner_http_requests_total",
                "simpletuner_http_errors_total", "simpletuner_http_request_latency_ms_avg");
        add("rate_limits", "Rate Limiting", "Rate limit violations and tracked clients", "simpletuner_rate_limit_violations_total",
                "simpletuner_rate_limit_tracked_clients");
        add("approvals", "Approvals", "Approval workflow metrics", "simpletuner_approval_requests_pending",
                "simpletuner_approval_requests_by_status");
        add("audit", "Audit Log", "Audit log activity: entries, entries of the last 24 hours, by event type", "simpletuner_audit_log_entries_total",
                "simpletuner_audit_log_entries_24h", "simpletuner_audit_log_entries_by_type",
                "simpletuner_audit_log_entries_stored");
        add("health", "Health & Uptime", "Server uptime, database latency, component health", "simpletuner_uptime_seconds",
                "simpletuner_health_database_latency_ms", "simpletuner_health_component_status");
        add("circuit_breakers", "Circuit Breakers", "Provider circuit breaker state",
                "simpletuner_circuit_breaker_state", "simpletuner_circuit_breaker_failures_total");
        add("provider", "Provider Status", "Cost limits, credit balance", "simpletuner_cost_limit_percent_used",
                "simpletuner_credit_balance_usd");

        template("minimal", "Minimal", "Lightweight job monitoring", "jobs");
        template("standard", "Standard", "Recommended default", "jobs", "http", "health");
        template("security", "Security", "Security monitoring", "jobs", "http", "rate_limits", "audit", "approvals");
        template("full", "Full", "Complete observability", CATEGORIES.keySet().toArray(String[]::new));
    }

    /** What a fresh installation stores: export off, the {@code standard} categories preselected. */
    public static final List<String> DEFAULT_CATEGORIES = TEMPLATES.get("standard").categories();

    private MetricCatalog() {
    }

    private static void add(String id, String name, String description, String... metrics) {
        CATEGORIES.put(id, new Category(id, name, description, List.of(metrics)));
    }

    private static void template(String id, String name, String description, String... categories) {
        TEMPLATES.put(id, new Template(id, name, description, List.of(categories)));
    }

    public static List<Category> categories() {
        return List.copyOf(CATEGORIES.values());
    }

    public static List<String> categoryIds() {
        return List.copyOf(CATEGORIES.keySet());
    }

    public static boolean isCategory(String id) {
        return id != null && CATEGORIES.containsKey(id);
    }

    public static List<Template> templates() {
        return List.copyOf(TEMPLATES.values());
    }

    public static Optional<Template> template(String name) {
        return Optional.ofNullable(name == null ? null : TEMPLATES.get(name));
    }

    /** Known categories in the catalogue's order, each once; the caller has refused unknown ones. */
    public static List<String> canonical(List<String> categories) {
        List<String> ordered = new ArrayList<>();
        for (String id : CATEGORIES.keySet()) {
            if (categories.contains(id)) {
                ordered.add(id);
            }
        }
        return ordered;
    }
}
