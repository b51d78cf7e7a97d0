package io.tuneops.support;

/**
 * Every name that crosses a service boundary (Redis keys, streams, channels, internal routes),
 * defined once. Each constant names its writer and its readers; a service never writes a name
 * it does not own here.
 */
public final class SharedNames {

    private SharedNames() {
    }

    // ---- Redis: audit ----

    /** Audit events. Writers: every service (AuditAppender). Reader: audit-service's consumer group. */
    public static final String AUDIT_STREAM = "tuneops:audit:events";
    /** Events audit-service could not store, kept for an operator. Writer and reader: audit-service. */
    public static final String AUDIT_REJECTED_STREAM = "tuneops:audit:rejected";
    /** Prefix of the gateway's fold windows for repeated events. Writer and reader: gateway-service. */
    public static final String AUDIT_COALESCE_PREFIX = "tuneops:audit:coalesce:";

    // ---- Redis: webhook allowlists ----

    /** Provider name to its CIDR allowlist. Writer: webhook-service. Reader: gateway-service. */
    public static final String WEBHOOK_ALLOWLISTS = "tuneops:webhook:allowlists";
    /** Published after {@link #WEBHOOK_ALLOWLISTS} changes. Writer: webhook-service. Subscriber: gateway-service. */
    public static final String WEBHOOK_ALLOWLISTS_CHANGED = "tuneops:webhook:allowlists:changed";

    // ---- Redis: jobs' uploads ----

    /** Per-access-key upload credential of a job. Writer: webhook-service. Reader: storage-service. */
    public static final String UPLOAD_CREDENTIALS_PREFIX = "tuneops:upload-credentials:";
    /** Per-job upload progress. Writer: storage-service. Reader: webhook-service (job views). */
    public static final String UPLOAD_PROGRESS_PREFIX = "tuneops:upload-progress:";

    // ---- Redis: cluster-wide traffic counters ----

    /** Requests per endpoint template. Writer: gateway-service. Reader: metrics-service. */
    public static final String HTTP_REQUESTS = "tuneops:metrics:http:requests";
    /** Error answers per endpoint template. Writer: gateway-service. Reader: metrics-service. */
    public static final String HTTP_ERRORS = "tuneops:metrics:http:errors";
    /** Summed latency in ms per endpoint template. Writer: gateway-service. Reader: metrics-service. */
    public static final String HTTP_LATENCY_SUM_MS = "tuneops:metrics:http:latency_ms_sum";
    /** Rate-limit violations per rule. Writer: gateway-service. Reader: metrics-service. */
    public static final String RATE_LIMIT_VIOLATIONS = "tuneops:metrics:rate_limit:violations";
    /** Prefix of the per-rule sets of limited clients. Writer: gateway-service. Reader: metrics-service. */
    public static final String RATE_LIMIT_CLIENTS_PREFIX = "tuneops:metrics:rate_limit:clients:";

    // ---- Internal routes (never routed by the gateway) ----

    /** Job, cost and approval figures. Owner: webhook-service. Reader: metrics-service. */
    public static final String INTERNAL_JOBS_FIGURES = "/internal/jobs/figures";
    /** Provider circuit and health. Owner: webhook-service. Reader: metrics-service. */
    public static final String INTERNAL_PROVIDER_HEALTH = "/internal/providers/health";
    /** Audit counts. Owner: audit-service. Reader: metrics-service. */
    public static final String INTERNAL_AUDIT_FIGURES = "/internal/audit/figures";
    /**
     * Notification events from another owner's outbox. Server: webhook-service (stores each event
     * once). Callers: storage-service and audit-service relays.
     */
    public static final String INTERNAL_NOTIFICATION_EVENTS = "/internal/notifications/events";
}
