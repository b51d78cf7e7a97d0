package io.tuneops.webhook.service.notify;

import io.tuneops.webhook.config.NotificationConfig;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Title, message and console link of an event, from its data: what a person needs to act (the
 * job's name, status, cost, the error) in one sentence or two. Rendering happens at dispatch, so
 * the outbox holds facts and a better wording reaches events already written.
 */
@ApplicationScoped
public class NotificationRenderer {

    /** The event type of a channel's test message. */
    public static final String TEST_TYPE = "test";

    private final String publicUrl;

    public NotificationRenderer(NotificationConfig config) {
        String base = config.publicUrl();
        this.publicUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public Notification render(StoredEvent event) {
        JsonObject d = event.data();
        NotificationEventType type = event.type().orElse(null);
        String title;
        String message;
        if (type == null) {
            title = event.eventType();
            message = "Event " + event.eventType();
        } else {
            String job = quoted(text(d, "name", event.jobId()));
            switch (type) {
                case JOB_SUBMITTED -> {
                    title = "Job " + job + " submitted";
                    message = sentence(job + " was submitted" + by(d) + onProvider(d) + ".", cost("Estimated cost", d, "estimated_cost_usd"));
                }
                case JOB_STARTED -> {
                    title = "Job " + job + " started";
                    message = sentence(job + " is running" + onProvider(d) + ".", cost("Estimated cost", d, "estimated_cost_usd"));
                }
                case JOB_COMPLETED -> {
                    title = "Job " + job + " completed";
                    message = sentence(job + " finished successfully" + onProvider(d) + ".", cost("Cost", d, "cost_usd"));
                }
                case JOB_FAILED -> {
                    title = "Job " + job + " failed";
                    message = sentence(job + " failed" + onProvider(d) + (d.getString("error") == null ? "." : ": " + d.getString("error")),
                            cost("Cost so far", d, "cost_usd"));
                }
                case JOB_CANCELLED -> {
                    title = "Job " + job + " cancelled";
                    message = sentence(job + " was cancelled" + onProvider(d) + ".", cost("Cost", d, "cost_usd"));
                }
                case JOB_STALLED -> {
                    title = "Job " + job + " stalled";
                    message = job + " is running but has sent neither a progress report nor an upload for "
                            + minutes(d.getValue("quiet_seconds")) + ". Check it at its provider"
                            + (d.getString("provider") == null ? "" : " (" + d.getString("provider") + ")") + ".";
                }
                case UPLOAD_COMPLETED -> {
                    boolean last = "last".equals(d.getString("position"));
                    title = (last ? "Last" : "First") + " checkpoint of " + job + " uploaded";
                    message = sentence((last ? "The last" : "The first") + " checkpoint of " + job + " was uploaded"
                            + (d.getString("key") == null ? "." : ": " + d.getString("key") + "."), size(d.getValue("size_bytes")));
                }
                case APPROVAL_REQUESTED -> {
                    title = "Approval needed for " + job;
                    message = sentence(job + (d.getString("username") == null ? "" : " by " + d.getString("username"))
                                    + " waits for approval" + (d.getString("required_role") == null ? "" : " by an " + d.getString("required_role"))
                                    + (d.getString("reason") == null ? "." : ": " + d.getString("reason")),
                            cost("Estimated cost", d, "estimated_cost_usd"));
                }
                case APPROVAL_APPROVED -> {
                    title = "Job " + job + " approved";
                    message = sentence(job + " was approved" + reviewer(d) + ".", notes(d));
                }
                case APPROVAL_REJECTED -> {
                    title = "Job " + job + " rejected";
                    message = sentence(job + " was rejected" + reviewer(d) + ".", notes(d));
                }
                case APPROVAL_EXPIRED -> {
                    title = "Approval of " + job + " expired";
                    message = job + " was not reviewed in time and was cancelled.";
                }
                case QUOTA_WARNING, QUOTA_EXCEEDED -> {
                    String quota = text(d, "quota_type", "quota");
                    title = (type == NotificationEventType.QUOTA_EXCEEDED ? "Quota exceeded: " : "Quota nearly reached: ") + quota;
                    message = "The " + quota + " quota of " + scope(d) + " is at " + number(d.getValue("used")) + " of "
                            + number(d.getValue("limit")) + percent(d.getValue("percent"))
                            + (d.getString("action") == null ? "." : "; action: " + d.getString("action") + ".");
                }
                case COST_THRESHOLD -> {
                    title = "Budget at " + number(d.getValue("threshold")) + " %";
                    message = "Spend of " + scope(d) + " reached $" + money(d.getValue("spent_usd")) + " of its $"
                            + money(d.getValue("limit_usd")) + " budget" + percent(d.getValue("percent")) + ".";
                }
                case SYSTEM_AUDIT_CHAIN_BROKEN, SYSTEM_CIRCUIT_OPEN, SYSTEM_PROVIDER_UNHEALTHY -> {
                    String subject = text(d, "provider", text(d, "component", null));
                    title = type.displayName() + (subject == null ? "" : ": " + subject);
                    message = type.description() + (d.getString("detail") == null ? "." : ": " + d.getString("detail"))
                            + (d.getString("first_broken_id") == null ? "" : " (first broken entry " + d.getString("first_broken_id") + ")");
                }
                default -> throw new IllegalStateException("no rendering for " + type);
            }
        }
        String jobId = event.jobId() != null ? event.jobId() : d.getString("job_id");
        JsonObject data = jobId == null || d.containsKey("job_id") ? d : d.copy().put("job_id", jobId);
        return new Notification(event.eventId(), event.eventType(), event.severity(), event.occurredAt(), data, title, message,
                url(type, jobId));
    }

    /** The message a channel's test sends. */
    public Notification test(String channelName, String eventId) {
        return new Notification(eventId, TEST_TYPE, Severity.INFO, OffsetDateTime.now(ZoneOffset.UTC), new JsonObject()
                .put("channel_name", channelName), "Test notification",
                "This is a test of the notification channel '" + channelName + "'. If you read this, it works.", publicUrl);
    }

    private String url(NotificationEventType type, String jobId) {
        if (type == null) {
            return null;
        }
        return switch (type.family()) {
            case "approval" -> publicUrl + "/approvals";
            case "job", "upload" -> jobId == null ? null : publicUrl + "/jobs/" + jobId;
            default -> null;
        };
    }

    private static String sentence(String first, String second) {
        return second == null ? first : first + " " + second;
    }

    private static String by(JsonObject d) {
        return d.getString("username") == null ? "" : " by " + d.getString("username");
    }

    private static String onProvider(JsonObject d) {
        String provider = d.getString("provider");
        String hardware = d.getString("hardware");
        if (provider == null && hardware == null) {
            return "";
        }
        return " on " + (provider == null ? hardware : hardware == null ? provider : provider + " (" + hardware + ")");
    }

    private static String reviewer(JsonObject d) {
        return d.getString("reviewed_by") == null ? "" : " by " + d.getString("reviewed_by");
    }

    private static String notes(JsonObject d) {
        return d.getString("review_notes") == null ? null : "Notes: " + d.getString("review_notes");
    }

    private static String scope(JsonObject d) {
        String scope = d.getString("scope");
        String id = d.getString("scope_id");
        if (scope == null || "global".equals(scope) || "everyone".equals(scope)) {
            return "the installation";
        }
        return scope + (id == null ? "" : " " + id);
    }

    private static String cost(String label, JsonObject d, String field) {
        Object value = d.getValue(field);
        return value instanceof Number ? label + ": $" + money(value) + "." : null;
    }

    private static String money(Object value) {
        if (!(value instanceof Number n)) {
            return "?";
        }
        return new BigDecimal(n.toString()).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String number(Object value) {
        if (!(value instanceof Number n)) {
            return "?";
        }
        return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
    }

    private static String percent(Object value) {
        return value instanceof Number n ? " (" + new BigDecimal(n.toString()).setScale(0, RoundingMode.HALF_UP).toPlainString() + " %)" : "";
    }

    private static String minutes(Object seconds) {
        if (!(seconds instanceof Number n)) {
            return "a while";
        }
        long minutes = Math.round(n.doubleValue() / 60);
        return minutes == 1 ? "1 minute" : minutes + " minutes";
    }

    private static String size(Object bytes) {
        if (!(bytes instanceof Number n)) {
            return null;
        }
        double b = n.doubleValue();
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        while (b >= 1024 && unit < units.length - 1) {
            b /= 1024;
            unit++;
        }
        return "Size: " + (unit == 0 ? Long.toString(n.longValue()) : String.format(java.util.Locale.ROOT, "%.1f", b)) + " " + units[unit] + ".";
    }

    private static String quoted(String name) {
        return name == null ? "(unnamed)" : "'" + name + "'";
    }

    private static String text(JsonObject d, String field, String otherwise) {
        Object value = d.getValue(field);
        return value instanceof String s && !s.isBlank() ? s : otherwise;
    }
}
