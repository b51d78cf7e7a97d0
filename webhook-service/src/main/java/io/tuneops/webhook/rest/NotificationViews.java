package io.tuneops.webhook.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tuneops.webhook.client.notify.SendResult;
import io.tuneops.webhook.repository.NotificationDeliveryRepository;
import io.tuneops.webhook.service.notify.Channel;
import io.tuneops.webhook.service.notify.ChannelSettings;
import io.tuneops.webhook.service.notify.ChannelType;
import io.tuneops.webhook.service.notify.DeliveryEntry;
import io.tuneops.webhook.service.notify.DeliveryStatus;
import io.tuneops.webhook.service.notify.EmailPreset;
import io.tuneops.webhook.service.notify.NotificationEventType;
import io.tuneops.webhook.service.notify.NotificationHistory;
import io.tuneops.webhook.service.notify.NotificationSetup;
import io.tuneops.webhook.service.notify.Preference;
import io.tuneops.webhook.service.notify.PreferenceScope;
import io.tuneops.webhook.service.notify.Severity;
import io.tuneops.webhook.service.notify.SmtpSecurity;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON of the notification routes, in the original's shapes (snake_case; times in UTC ISO-8601). */
final class NotificationViews {

    private NotificationViews() {
    }

    static String time(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    @Schema(name = "NotificationChannel", description = "A channel as anyone may see it: its secrets (SMTP password, Slack URL, "
            + "webhook secret) are never shown, secret_configured says whether one is set. Fields of other channel types are null.")
    record ChannelView(String id, String name, ChannelType channel_type, boolean is_enabled, String smtp_host, Integer smtp_port,
                       String smtp_username, Boolean smtp_use_tls, SmtpSecurity smtp_security, String smtp_from_address,
                       String smtp_from_name,
                       @Schema(description = "A webhook endpoint's URL; null for Slack, whose URL is a secret") String webhook_url,
                       @Schema(description = "A webhook endpoint's own subscription: event types, families ('job.*') or '*'")
                       List<String> event_types, String description, boolean secret_configured, String org_id,
                       String created_at, String updated_at,
                       @JsonInclude(JsonInclude.Include.NON_NULL)
                       @Schema(description = "Only in the answer to creating a webhook channel without a secret: the "
                               + "generated whsec_ signing secret, shown this once") String secret) {

        static ChannelView of(Channel c) {
            return of(c, null);
        }

        static ChannelView of(Channel c, String secret) {
            ChannelSettings s = c.settings();
            boolean email = c.type() == ChannelType.EMAIL;
            return new ChannelView(c.id(), c.name(), c.type(), c.enabled(), s.smtpHost(), s.smtpPort(), s.smtpUsername(),
                    email && s.smtpSecurity() != null ? s.smtpSecurity().useTls() : null, s.smtpSecurity(), s.fromAddress(),
                    s.fromName(), c.type() == ChannelType.WEBHOOK ? s.webhookUrl() : null, s.eventTypes(), s.description(),
                    c.secretConfigured(), c.orgId(), time(c.createdAt()), time(c.updatedAt()), secret);
        }
    }

    @Schema(name = "NotificationChannelList")
    record ChannelList(List<ChannelView> channels) {
    }

    @Schema(name = "NotificationChannelChange", description = "A channel to create, or the fields to change (an absent field "
            + "keeps its value). Secrets are write-only: absent keeps them, \"\" removes the SMTP password; a Slack URL or a "
            + "webhook secret can only be replaced. Fields of another channel type are refused.")
    record ChannelChange(@Schema(description = "email, slack or webhook; required on create, cannot change") ChannelType channel_type,
                         @Schema(description = "Required on create") String name, Boolean is_enabled,
                         @Schema(description = "E-mail: fills smtp_host, smtp_port and smtp_security (GET .../presets)") String preset,
                         String smtp_host, Integer smtp_port, String smtp_username,
                         @Schema(description = "Write-only") String smtp_password,
                         @Schema(description = "The original's flag: true = STARTTLS, false = none; smtp_security wins") Boolean smtp_use_tls,
                         SmtpSecurity smtp_security, String smtp_from_address, String smtp_from_name,
                         @Schema(description = "Webhook: the endpoint (http or https); Slack: accepted for slack_webhook_url") String webhook_url,
                         @Schema(description = "Webhook: whsec_ and base64 of 16 to 64 bytes; generated when absent on create. Write-only")
                         String webhook_secret,
                         @Schema(description = "Slack: the incoming-webhook URL. Write-only") String slack_webhook_url,
                         List<String> event_types, String description) {
    }

    @Schema(name = "NotificationTestResult", description = "What the far end answered to a real send of a test message; "
            + "success false with the error when it failed")
    record TestResult(boolean success, long latency_ms, Integer status_code, String error, ChannelType channel_type) {

        static TestResult of(ChannelType type, SendResult r) {
            return new TestResult(r.success(), r.latencyMs(), r.statusCode(), r.error(), type);
        }
    }

    @Schema(name = "NotificationTestRequest", description = "Optional: whom an e-mail channel's test goes to (default: its sender address)")
    record TestRequest(List<String> recipients) {
    }

    @Schema(name = "NotificationPreference")
    record PreferenceView(String id, String channel_id, String event_type, Severity min_severity, boolean is_enabled,
                          PreferenceScope scope, String scope_id, boolean mute, List<String> recipients, String created_by,
                          String created_at) {

        static PreferenceView of(Preference p) {
            return new PreferenceView(p.id(), p.channelId(), p.eventType(), p.minSeverity(), p.enabled(), p.scope(), p.scopeId(),
                    p.mute(), p.recipients(), p.createdBy(), time(p.createdAt()));
        }
    }

    @Schema(name = "NotificationPreferenceList")
    record PreferenceList(List<PreferenceView> preferences) {
    }

    @Schema(name = "NotificationPreferenceCreate", description = "Who hears which events on which channel. A non-admin may "
            + "only create scope 'user' preferences of their own (the default for them; 'everyone' for an admin). A mute "
            + "(mute true, no channel) silences the user's own jobs' info events on user and team preferences.")
    record PreferenceCreate(@Schema(required = true, description = "An event type, a family ('job.*') or '*'") String event_type,
                            @Schema(description = "Required unless mute") String channel_id, Boolean is_enabled,
                            @Schema(description = "Default info") Severity min_severity,
                            @Schema(description = "E-mail addresses; e-mail channels only") List<String> recipients,
                            PreferenceScope scope,
                            @Schema(description = "The organisation, team or user of the scope") String scope_id, Boolean mute) {
    }

    @Schema(name = "NotificationEventType")
    record EventTypeView(String id, String name, String category, String description, Severity severity) {

        static EventTypeView of(NotificationEventType t) {
            return new EventTypeView(t.wire(), t.displayName(), t.category(), t.description(), t.defaultSeverity());
        }
    }

    @Schema(name = "NotificationEventTypeList")
    record EventTypeList(List<EventTypeView> event_types) {

        static final EventTypeList ALL = new EventTypeList(Arrays.stream(NotificationEventType.values()).map(EventTypeView::of).toList());
    }

    @Schema(name = "EmailPreset")
    record PresetView(String id, String name, String smtp_host, int smtp_port, boolean smtp_use_tls, SmtpSecurity smtp_security) {

        static PresetView of(EmailPreset p) {
            return new PresetView(p.id(), p.displayName(), p.host(), p.port(), p.security().useTls(), p.security());
        }
    }

    @Schema(name = "EmailPresetList")
    record PresetList(List<PresetView> presets) {

        static final PresetList ALL = new PresetList(Arrays.stream(EmailPreset.values()).map(PresetView::of).toList());
    }

    @Schema(name = "NotificationDelivery", description = "One delivery of one event on one channel")
    record HistoryEntry(long id, String event_id, String event_type, Severity severity, String channel_id, String channel_name,
                        ChannelType channel_type, @Schema(description = "E-mail recipients, comma-separated") String recipient,
                        DeliveryStatus delivery_status, int attempts, Integer last_status_code, String last_error,
                        Integer latency_ms, @Schema(description = "When it was delivered, else its last attempt") String sent_at,
                        String created_at, @Schema(description = "While pending: the next attempt") String next_attempt_at,
                        String job_id) {

        static HistoryEntry of(DeliveryEntry e) {
            return new HistoryEntry(e.id(), e.eventId(), e.eventType(), e.severity(), e.channelId(), e.channelName(), e.channelType(),
                    e.recipients().isEmpty() ? null : String.join(", ", e.recipients()), e.status(), e.attempts(),
                    e.lastStatusCode(), e.lastError(), e.latencyMs(),
                    time(e.deliveredAt() != null ? e.deliveredAt() : e.lastAttemptAt()), time(e.createdAt()),
                    e.status() == DeliveryStatus.PENDING ? time(e.nextAttemptAt()) : null, e.jobId());
        }
    }

    @Schema(name = "NotificationHistory")
    record HistoryPage(List<HistoryEntry> entries, long total, boolean has_more) {

        static HistoryPage of(NotificationHistory.Page page) {
            return new HistoryPage(page.entries().stream().map(HistoryEntry::of).toList(), page.total(), page.hasMore());
        }
    }

    @Schema(name = "NotificationHistoryEntries")
    record HistoryEntries(List<HistoryEntry> entries) {
    }

    record ChannelCounts(long total, long enabled, Map<String, Long> by_type) {
    }

    record Dispatchers(int total, int running) {
    }

    record DeliveryStats(long pending, long delivering, long delivered_24h, long failed, Double oldest_pending_seconds,
                         String last_delivery_at) {
    }

    @Schema(name = "NotificationStatus", description = "Whether notifications are set up, and how delivery goes. "
            + "response_handlers: this replica's dispatcher (running unless tuneops.notifications.enabled is false)")
    record StatusView(boolean initialized, boolean skipped, ChannelCounts channels, long preferences,
                      Dispatchers response_handlers, DeliveryStats stats) {

        static StatusView of(NotificationSetup.Status s) {
            Map<String, Long> byType = new TreeMap<>();
            s.byType().forEach((type, n) -> byType.put(type.wire(), n));
            NotificationDeliveryRepository.Stats d = s.stats();
            return new StatusView(s.initialized(), s.skipped(), new ChannelCounts(s.channels().size(),
                    s.channels().stream().filter(Channel::enabled).count(), byType), s.preferences(),
                    new Dispatchers(1, s.dispatcherRunning() ? 1 : 0), new DeliveryStats(d.pending(), d.delivering(),
                    d.delivered24h(), d.failed(), d.oldestPendingSeconds(), time(d.lastDeliveryAt())));
        }
    }

    @Schema(name = "NotificationSkip")
    record Skipped(boolean skipped) {
    }

    @Schema(name = "EventWebhook", description = "A Standard Webhooks endpoint: tuneops POSTs the events it subscribes to, "
            + "signed with its whsec_ secret (never shown again after creation)")
    record EndpointView(String id, String url, String description, List<String> event_types, boolean is_enabled,
                        boolean secret_configured, String created_at, String updated_at,
                        @JsonInclude(JsonInclude.Include.NON_NULL)
                        @Schema(description = "Only in the answer to creating an endpoint: its signing secret, shown this once")
                        String secret) {

        static EndpointView of(Channel c, String secret) {
            return new EndpointView(c.id(), c.settings().webhookUrl(), c.settings().description(), c.settings().eventTypes(),
                    c.enabled(), c.secretConfigured(), time(c.createdAt()), time(c.updatedAt()), secret);
        }
    }

    @Schema(name = "EventWebhookList")
    record EndpointList(List<EndpointView> webhooks) {
    }

    @Schema(name = "EventWebhookChange", description = "An endpoint to create (url and event_types required), or the fields to "
            + "change (absent keeps the value)")
    record EndpointChange(@Schema(description = "http or https") String url,
                          @Schema(description = "Event types, families ('job.*') or '*'") List<String> event_types,
                          String description, Boolean is_enabled,
                          @Schema(description = "whsec_ and base64 of 16 to 64 bytes; generated when absent on create. Write-only")
                          String secret) {
    }
}
