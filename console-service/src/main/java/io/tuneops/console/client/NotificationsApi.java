package io.tuneops.console.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * webhook-service's notifications ({@code /api/cloud/notifications}): channels, preferences, the
 * event catalogue, the email presets and the delivery history, in the JSON it answers. Channels
 * never carry their secrets (SMTP password, Slack URL, signing secret), only whether one is set.
 */
@ApplicationScoped
public class NotificationsApi {

    static final String NOTIFICATIONS = "/api/cloud/notifications";

    /** A channel as everyone reads it. */
    public record Channel(String id, String name, String channel_type, boolean is_enabled, String smtp_host,
                          Integer smtp_port, String smtp_username, String smtp_security, String smtp_from_address,
                          String smtp_from_name, String webhook_url, List<String> event_types, String description,
                          boolean secret_configured, String org_id, String created_at, String updated_at) {
    }

    public record ChannelList(List<Channel> channels) {
    }

    /** The answer to a create: for a webhook channel whose secret was generated, the secret, this once. */
    public record Created(String id, String name, String channel_type, String secret) {
        @Override
        public String toString() {
            return "Created[" + id + "]";
        }
    }

    /** A new channel; fields left null are not sent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NewChannel(String channel_type, String name, Boolean is_enabled, String description, String preset,
                             String smtp_host, Integer smtp_port, String smtp_security, String smtp_username,
                             String smtp_password, String smtp_from_address, String smtp_from_name,
                             String slack_webhook_url, String webhook_url, String webhook_secret, List<String> event_types) {
        @Override
        public String toString() {
            return "NewChannel[" + channel_type + ", " + name + "]";
        }
    }

    /**
     * A change: a field left null is not sent and stays as stored; a secret sent as "" is removed,
     * one not sent is kept.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChannelChange(String name, Boolean is_enabled, String description, String smtp_host, Integer smtp_port,
                                String smtp_security, String smtp_username, String smtp_password,
                                String smtp_from_address, String smtp_from_name, String slack_webhook_url,
                                String webhook_url, String webhook_secret, List<String> event_types) {
        @Override
        public String toString() {
            return "ChannelChange[" + name + "]";
        }
    }

    /** The body of a test: the channel's own recipients (an email channel's sender address when none). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TestMessage(List<String> recipients) {
    }

    /** What the far end answered to a test message. */
    public record TestResult(boolean success, Long latency_ms, Integer status_code, String error, String channel_type) {
    }

    public record Preference(String id, String channel_id, String event_type, String min_severity, boolean is_enabled,
                             String scope, String scope_id, boolean mute, List<String> recipients, String created_by,
                             String created_at) {
    }

    public record PreferenceList(List<Preference> preferences) {
    }

    /** A new preference (or a mute); fields left null take the owner's defaults. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NewPreference(String event_type, String channel_id, String min_severity, List<String> recipients,
                                String scope, String scope_id, Boolean mute) {
    }

    public record EventType(String id, String name, String category, String description, String severity) {
    }

    public record EventTypes(List<EventType> event_types) {
    }

    public record Preset(String id, String name, String smtp_host, Integer smtp_port, Boolean smtp_use_tls,
                         String smtp_security) {
    }

    public record Presets(List<Preset> presets) {
    }

    /** One delivery of one event to one channel. */
    public record Delivery(String id, String event_id, String event_type, String severity, String channel_id,
                           String channel_name, String channel_type, String recipient, String delivery_status,
                           int attempts, Integer last_status_code, String last_error, Long latency_ms, String sent_at,
                           String created_at, String next_attempt_at, String job_id) {
    }

    public record History(List<Delivery> entries, long total, boolean has_more) {
    }

    /** The history's filters; blank ones are left out. */
    public record HistoryFilter(String channel_id, String event_type, String status, int limit, int offset) {
        String query() {
            return Query.of().add("channel_id", channel_id).add("event_type", event_type).add("status", status)
                    .add("limit", String.valueOf(limit)).add("offset", offset == 0 ? null : String.valueOf(offset)).toString();
        }
    }

    private final OwnerClient owners;

    public NotificationsApi(OwnerClient owners) {
        this.owners = owners;
    }

    public Uni<Answer<ChannelList>> channels(Caller caller) {
        return owners.get(Owner.WEBHOOK, NOTIFICATIONS + "/channels", caller, ChannelList.class);
    }

    public Uni<Answer<Channel>> channel(Caller caller, String id) {
        return owners.get(Owner.WEBHOOK, channelPath(id), caller, Channel.class);
    }

    public Uni<Answer<Created>> create(Caller caller, NewChannel channel) {
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, NOTIFICATIONS + "/channels", caller, channel, Created.class);
    }

    public Uni<Answer<Channel>> change(Caller caller, String id, ChannelChange change) {
        return owners.send(Owner.WEBHOOK, HttpMethod.PATCH, channelPath(id), caller, change, Channel.class);
    }

    public Uni<Answer<Void>> delete(Caller caller, String id) {
        return owners.send(Owner.WEBHOOK, HttpMethod.DELETE, channelPath(id), caller, null, Void.class);
    }

    public Uni<Answer<TestResult>> test(Caller caller, String id) {
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, channelPath(id) + "/test", caller, new TestMessage(null),
                TestResult.class);
    }

    /** @param scope null for every preference the caller may see; with {@code scopeId}, one person's (or team's) */
    public Uni<Answer<PreferenceList>> preferences(Caller caller, String scope, String scopeId) {
        return owners.get(Owner.WEBHOOK, NOTIFICATIONS + "/preferences" + Query.of().add("scope", scope)
                .add("scope_id", scopeId), caller, PreferenceList.class);
    }

    public Uni<Answer<Preference>> createPreference(Caller caller, NewPreference preference) {
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, NOTIFICATIONS + "/preferences", caller, preference,
                Preference.class);
    }

    public Uni<Answer<Void>> deletePreference(Caller caller, String id) {
        return owners.send(Owner.WEBHOOK, HttpMethod.DELETE, NOTIFICATIONS + "/preferences/" + Query.segment(id), caller,
                null, Void.class);
    }

    public Uni<Answer<EventTypes>> events(Caller caller) {
        return owners.get(Owner.WEBHOOK, NOTIFICATIONS + "/events", caller, EventTypes.class);
    }

    public Uni<Answer<Presets>> presets(Caller caller) {
        return owners.get(Owner.WEBHOOK, NOTIFICATIONS + "/presets", caller, Presets.class);
    }

    public Uni<Answer<History>> history(Caller caller, HistoryFilter filter) {
        return owners.get(Owner.WEBHOOK, NOTIFICATIONS + "/history" + filter.query(), caller, History.class);
    }

    public Uni<Answer<Delivery>> retry(Caller caller, String id) {
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, NOTIFICATIONS + "/history/" + Query.segment(id) + "/retry",
                caller, null, Delivery.class);
    }

    private static String channelPath(String id) {
        return NOTIFICATIONS + "/channels/" + Query.segment(id);
    }
}
