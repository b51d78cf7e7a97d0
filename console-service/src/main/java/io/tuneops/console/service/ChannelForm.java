package io.tuneops.console.service;

import io.tuneops.console.client.NotificationsApi.Channel;
import io.tuneops.console.client.NotificationsApi.ChannelChange;
import io.tuneops.console.client.NotificationsApi.EventType;
import io.tuneops.console.client.NotificationsApi.NewChannel;
import io.tuneops.console.client.NotificationsApi.Preset;
import io.tuneops.console.web.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A notification channel's form as typed: email (SMTP, with a provider preset), Slack or a signed
 * webhook, and the API body made of it. Only the chosen type's fields are sent. The secrets (SMTP
 * password, Slack URL, signing secret) are write-only: on a change they are sent only when
 * something is typed (or, for the SMTP password, its removal ticked), and a form shown again after
 * a refusal never holds them.
 */
public record ChannelForm(String channelType, String name, boolean enabled, String description, String preset,
                          String smtpHost, String smtpPort, String smtpSecurity, String smtpUsername, String smtpPassword,
                          boolean smtpPasswordClear, String smtpFromAddress, String smtpFromName, String slackWebhookUrl,
                          String webhookUrl, String webhookSecret, List<String> eventTypes) {

    public static final List<String> TYPES = List.of("email", "slack", "webhook");
    public static final List<String> SECURITIES = List.of("starttls", "tls", "none");
    /** Every field the form shows, by its API name. */
    public static final Set<String> FIELDS = Set.of("channel_type", "name", "is_enabled", "description", "preset",
            "smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_password", "smtp_from_address",
            "smtp_from_name", "slack_webhook_url", "webhook_url", "webhook_secret", "event_types");
    private static final Map<String, String> TYPE_LABELS = Map.of("email", "Email (SMTP)", "slack", "Slack",
            "webhook", "Webhook (signed)");
    private static final Map<String, String> SECURITY_LABELS = Map.of("starttls", "STARTTLS (usually port 587)",
            "tls", "TLS from the start (usually port 465)", "none", "None (plain text)");

    public ChannelForm {
        eventTypes = eventTypes == null ? List.of() : List.copyOf(eventTypes);
    }

    /** A body for the API and what is wrong, per form field; nothing is sent while errors is not empty. */
    public record Built<T>(T body, Map<String, String> errors) {
    }

    /** The empty create form. */
    public static ChannelForm blank() {
        return new ChannelForm("email", "", true, "", "", "", "", "starttls", "", "", false, "", "", "", "", "", List.of());
    }

    /** The same form with a preset chosen (an email channel), its server not yet filled in. */
    public ChannelForm choosingPreset(String presetId) {
        if (presetId == null || presetId.isBlank()) {
            return this;
        }
        return new ChannelForm("email", name, enabled, description, presetId.trim(), smtpHost, smtpPort, smtpSecurity,
                smtpUsername, smtpPassword, smtpPasswordClear, smtpFromAddress, smtpFromName, slackWebhookUrl, webhookUrl,
                webhookSecret, eventTypes);
    }

    /** The form showing a stored channel; its secret is never shown, only whether it is set. */
    public static ChannelForm of(Channel c) {
        return new ChannelForm(c.channel_type(), text(c.name()), c.is_enabled(), text(c.description()), "",
                text(c.smtp_host()), c.smtp_port() == null ? "" : c.smtp_port().toString(),
                c.smtp_security() == null ? "starttls" : c.smtp_security(), text(c.smtp_username()), "", false,
                text(c.smtp_from_address()), text(c.smtp_from_name()), "", text(c.webhook_url()), "", c.event_types());
    }

    /** The same form with a preset's server, port and security filled in (what htmx swaps in on choosing one). */
    public ChannelForm withPreset(Preset p) {
        return new ChannelForm(channelType, name, enabled, description, p.id(), text(p.smtp_host()),
                p.smtp_port() == null ? "" : p.smtp_port().toString(), security(p), smtpUsername, smtpPassword,
                smtpPasswordClear, smtpFromAddress, smtpFromName, slackWebhookUrl, webhookUrl, webhookSecret, eventTypes);
    }

    /** Shown again after a refusal: what was typed, without the secrets. */
    public ChannelForm withoutSecrets() {
        return new ChannelForm(channelType, name, enabled, description, preset, smtpHost, smtpPort, smtpSecurity,
                smtpUsername, "", smtpPasswordClear, smtpFromAddress, smtpFromName, "", webhookUrl, "", eventTypes);
    }

    public Built<NewChannel> buildNew() {
        Map<String, String> errors = new LinkedHashMap<>();
        if (!TYPES.contains(channelType)) {
            errors.put("channel_type", "choose email, Slack or webhook");
        }
        String type = channelType;
        boolean email = "email".equals(type);
        Integer port = email ? port(errors) : null;
        // the preset fills what is left empty: sent only when the server is, so it never overrides what was typed
        String chosenPreset = email && blankToNull(smtpHost) == null ? blankToNull(preset) : null;
        NewChannel body = new NewChannel(type, trim(name), enabled, blankToNull(description), chosenPreset,
                email ? blankToNull(smtpHost) : null, port, email && chosenPreset == null ? blankToNull(smtpSecurity) : null,
                email ? blankToNull(smtpUsername) : null, email ? secret(smtpPassword) : null,
                email ? blankToNull(smtpFromAddress) : null, email ? blankToNull(smtpFromName) : null,
                "slack".equals(type) ? blankToNull(slackWebhookUrl) : null,
                "webhook".equals(type) ? blankToNull(webhookUrl) : null,
                "webhook".equals(type) ? blankToNull(webhookSecret) : null,
                "webhook".equals(type) ? eventTypes : null);
        return new Built<>(body, errors);
    }

    /** A change of {@code current}: its type's fields as typed; emptied text fields are sent empty (removed). */
    public Built<ChannelChange> buildChange(Channel current) {
        Map<String, String> errors = new LinkedHashMap<>();
        String type = current.channel_type();
        boolean email = "email".equals(type);
        Integer port = email ? port(errors) : null;
        boolean passwordTyped = smtpPassword != null && !smtpPassword.isEmpty();
        if (email && passwordTyped && smtpPasswordClear) {
            errors.put("smtp_password", "enter a new password or tick its removal, not both");
        }
        String password = !email ? null : passwordTyped ? smtpPassword : smtpPasswordClear ? "" : null;
        ChannelChange change = new ChannelChange(trim(name), enabled, trim(description),
                email ? trim(smtpHost) : null, port, email ? blankToNull(smtpSecurity) : null, email ? trim(smtpUsername) : null,
                password, email ? trim(smtpFromAddress) : null, email ? trim(smtpFromName) : null,
                "slack".equals(type) ? blankToNull(slackWebhookUrl) : null,
                "webhook".equals(type) ? trim(webhookUrl) : null, "webhook".equals(type) ? blankToNull(webhookSecret) : null,
                "webhook".equals(type) ? eventTypes : null);
        return new Built<>(change, errors);
    }

    /**
     * Field errors about a channel's type named by the form's field: a Slack URL may come back as
     * {@code webhook_url}, the security as {@code smtp_use_tls}.
     */
    public Map<String, String> aliases() {
        return "slack".equals(channelType) ? Map.of("webhook_url", "slack_webhook_url", "smtp_use_tls", "smtp_security")
                : Map.of("smtp_use_tls", "smtp_security");
    }

    public List<Option> typeOptions() {
        return TYPES.stream().map(t -> new Option(t, TYPE_LABELS.get(t), t.equals(channelType))).toList();
    }

    public List<Option> securityOptions() {
        return SECURITIES.stream().map(s -> new Option(s, SECURITY_LABELS.get(s), s.equals(smtpSecurity))).toList();
    }

    public List<Option> presetOptions(List<Preset> presets) {
        List<Option> options = new ArrayList<>();
        options.add(new Option("", "None: type the server below", preset == null || preset.isBlank()));
        presets.forEach(p -> options.add(new Option(p.id(), p.name(), p.id().equals(preset))));
        return options;
    }

    /** The event types a webhook channel subscribes to, ticked as typed. */
    public List<Option> eventOptions(List<EventType> events) {
        return events.stream().map(e -> new Option(e.id(), e.id() + " (" + e.severity() + ")", eventTypes.contains(e.id())))
                .toList();
    }

    public String typeLabel() {
        return TYPE_LABELS.getOrDefault(channelType, Formats.text(channelType));
    }

    public boolean email() {
        return "email".equals(channelType);
    }

    public boolean slack() {
        return "slack".equals(channelType);
    }

    public boolean webhook() {
        return "webhook".equals(channelType);
    }

    private Integer port(Map<String, String> errors) {
        if (smtpPort == null || smtpPort.isBlank()) {
            return null;
        }
        try {
            int port = Integer.parseInt(smtpPort.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        errors.put("smtp_port", "must be a whole number from 1 to 65535");
        return null;
    }

    private static String security(Preset p) {
        if (p.smtp_security() != null) {
            return p.smtp_security();
        }
        return Boolean.TRUE.equals(p.smtp_use_tls()) ? "starttls" : "none";
    }

    /** A secret as typed (not trimmed: it is someone's password), or null when nothing was typed. */
    private static String secret(String typed) {
        return typed == null || typed.isEmpty() ? null : typed;
    }

    private static String trim(String value) {
        return value == null ? null : value.trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
