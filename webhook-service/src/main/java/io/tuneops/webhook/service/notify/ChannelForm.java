package io.tuneops.webhook.service.notify;

import io.tuneops.webhook.service.FieldError;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A channel body (create, or change where an absent field keeps its value) validated into the
 * channel it describes. Secret fields are write-only: absent keeps the secret, {@code ""} clears
 * it where the channel can do without (the SMTP password); a Slack URL or a webhook secret cannot
 * be cleared, only replaced.
 */
public final class ChannelForm {

    static final Pattern EMAIL = Pattern.compile("[^@\\s<>\",;]+@[^@\\s<>\",;]+\\.[^@\\s<>\",;]+");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    /** Shown in a channel's view: a client that sends back what it read is not wrong, and they change nothing. */
    public static final Set<String> READ_ONLY = Set.of("id", "secret_configured", "created_at", "updated_at");
    private static final Set<String> FIELDS = Set.of("channel_type", "name", "is_enabled", "smtp_host", "smtp_port",
            "smtp_username", "smtp_password", "smtp_use_tls", "smtp_security", "smtp_from_address", "smtp_from_name",
            "preset", "webhook_url", "webhook_secret", "slack_webhook_url", "event_types", "description", "org_id",
            "id", "secret_configured", "created_at", "updated_at");
    private static final Set<String> EMAIL_FIELDS = Set.of("smtp_host", "smtp_port", "smtp_username", "smtp_password",
            "smtp_use_tls", "smtp_security", "smtp_from_address", "smtp_from_name", "preset");

    /** The channel a valid body describes: everything but its id and times. */
    public record Draft(String name, ChannelType type, boolean enabled, ChannelSettings settings, SecretChange secret,
                        String orgId) {
    }

    public record Parsed(Draft draft, List<FieldError> errors) {
    }

    public static boolean isEmail(String value) {
        return value != null && value.length() <= 320 && EMAIL.matcher(value).matches();
    }

    private ChannelForm() {
    }

    /**
     * @param existing the channel being changed, or null for a new one
     * @param policy   what webhook and Slack URLs and SMTP hosts may point at
     */
    public static Parsed parse(JsonObject body, Channel existing, TargetPolicy policy) {
        FormReader in = new FormReader(body);
        in.onlyFields(FIELDS);
        ChannelType type = type(in, body, existing);
        String name = in.text("name", 200);
        if (name != null && name.isBlank() || name == null && existing == null) {
            in.error("name", "required, a non-empty name of at most 200 characters");
        }
        Boolean enabled = in.bool("is_enabled");
        String description = in.has("description") ? in.optionalText("description", 1000)
                : existing == null ? null : existing.settings().description();
        String orgId = in.has("org_id") ? in.optionalText("org_id", 128) : existing == null ? null : existing.orgId();
        ChannelSettings old = existing == null ? ChannelSettings.fromJson(null) : existing.settings();
        List<String> eventTypes = eventTypes(in, type, old);
        ChannelSettings settings = null;
        SecretChange secret = new SecretChange.Keep();
        if (type != null) {
            for (String field : body.fieldNames()) {
                if (!applies(field, type)) {
                    in.error(field, "not a field of " + type.wire() + " channels");
                }
            }
            switch (type) {
                case EMAIL -> {
                    settings = email(in, old, description, policy);
                    secret = smtpPassword(in);
                }
                case SLACK -> {
                    String url = in.has("slack_webhook_url") ? in.text("slack_webhook_url", TargetPolicy.MAX_URL)
                            : in.text("webhook_url", TargetPolicy.MAX_URL);
                    String field = in.has("slack_webhook_url") ? "slack_webhook_url" : "webhook_url";
                    secret = requiredSecret(in, field, url, existing, policy, "an incoming-webhook URL");
                    settings = new ChannelSettings(null, null, null, null, null, null, null, List.of(), description);
                }
                case WEBHOOK -> {
                    String url = in.has("webhook_url") ? in.text("webhook_url", TargetPolicy.MAX_URL) : old.webhookUrl();
                    if (url == null || url.isBlank()) {
                        in.error("webhook_url", "required, the endpoint's http or https URL");
                    } else {
                        policy.problem(url).ifPresent(problem -> in.error("webhook_url", problem));
                    }
                    secret = webhookSecret(in, existing);
                    settings = new ChannelSettings(null, null, null, null, null, null, url, eventTypes, description);
                }
            }
        }
        if (!in.errors().isEmpty()) {
            return new Parsed(null, in.errors());
        }
        return new Parsed(new Draft(name != null ? name.strip() : existing.name(), type,
                enabled != null ? enabled : existing == null || existing.enabled(), settings, secret, orgId), List.of());
    }

    private static ChannelType type(FormReader in, JsonObject body, Channel existing) {
        Object value = body.getValue("channel_type");
        ChannelType type = value instanceof String s ? ChannelType.fromWire(s).orElse(null) : null;
        if (existing != null) {
            if (value != null && type != existing.type()) {
                in.error("channel_type", "a channel's type cannot change; create another channel");
            }
            return existing.type();
        }
        if (type == null) {
            in.error("channel_type", "required, one of " + String.join(", ",
                    Arrays.stream(ChannelType.values()).map(ChannelType::wire).toList()));
        }
        return type;
    }

    private static boolean applies(String field, ChannelType type) {
        if (EMAIL_FIELDS.contains(field)) {
            return type == ChannelType.EMAIL;
        }
        return switch (field) {
            case "webhook_url" -> type != ChannelType.EMAIL;
            case "slack_webhook_url" -> type == ChannelType.SLACK;
            case "webhook_secret", "event_types" -> type == ChannelType.WEBHOOK;
            default -> true;
        };
    }

    private static List<String> eventTypes(FormReader in, ChannelType type, ChannelSettings old) {
        if (!in.has("event_types")) {
            return old.eventTypes();
        }
        List<String> patterns = in.texts("event_types", 50, 100);
        if (patterns == null) {
            return List.of();
        }
        for (String pattern : patterns) {
            if (!EventPattern.valid(pattern)) {
                in.error("event_types", "'" + pattern + "' is not " + EventPattern.expected());
            }
        }
        return patterns;
    }

    private static ChannelSettings email(FormReader in, ChannelSettings old, String description, TargetPolicy policy) {
        EmailPreset preset = null;
        if (in.has("preset")) {
            String id = in.text("preset", 40);
            preset = id == null ? null : EmailPreset.fromId(id).orElse(null);
            if (preset == null && id != null) {
                in.error("preset", "one of " + String.join(", ", Arrays.stream(EmailPreset.values()).map(EmailPreset::id).toList()));
            }
        }
        String host = in.has("smtp_host") ? in.optionalText("smtp_host", 253)
                : preset != null && preset.host() != null ? preset.host() : old.smtpHost();
        if (host == null) {
            in.error("smtp_host", "required, the SMTP server's host name (or a preset)");
        } else if (!HOST.matcher(host).matches() && !host.contains(":")) {
            in.error("smtp_host", "must be a host name or an address");
        } else {
            // refused here as a webhook URL is; the address a name resolves to is checked at every send
            policy.hostProblem(host).ifPresent(problem -> in.error("smtp_host", problem));
        }
        SmtpSecurity security = in.has("smtp_security") ? security(in)
                : in.has("smtp_use_tls") ? useTls(in)
                : preset != null ? preset.security() : old.smtpSecurity() != null ? old.smtpSecurity() : SmtpSecurity.STARTTLS;
        Integer port = in.has("smtp_port") ? in.integer("smtp_port", 1, 65535)
                : preset != null ? Integer.valueOf(preset.port()) : old.smtpPort();
        if (port == null && security != null) {
            port = security.defaultPort();
        }
        String username = in.has("smtp_username") ? in.optionalText("smtp_username", 320) : old.smtpUsername();
        String from = in.has("smtp_from_address") ? in.optionalText("smtp_from_address", 320) : old.fromAddress();
        if (from == null || !EMAIL.matcher(from).matches()) {
            in.error("smtp_from_address", "required, the sender's e-mail address");
        }
        String fromName = in.has("smtp_from_name") ? in.optionalText("smtp_from_name", 200) : old.fromName();
        return new ChannelSettings(host, port, username, security, from, fromName, null, List.of(), description);
    }

    private static SmtpSecurity security(FormReader in) {
        String value = in.text("smtp_security", 20);
        SmtpSecurity security = value == null ? null : SmtpSecurity.fromWire(value).orElse(null);
        if (security == null) {
            in.error("smtp_security", "one of starttls, tls, none");
        }
        return security;
    }

    private static SmtpSecurity useTls(FormReader in) {
        Boolean tls = in.bool("smtp_use_tls");
        return tls == null ? null : tls ? SmtpSecurity.STARTTLS : SmtpSecurity.NONE;
    }

    private static SecretChange smtpPassword(FormReader in) {
        if (!in.has("smtp_password")) {
            return new SecretChange.Keep();
        }
        String password = in.text("smtp_password", 1000);
        return password == null || password.isEmpty() ? new SecretChange.Clear() : new SecretChange.Replace(password);
    }

    private static SecretChange requiredSecret(FormReader in, String field, String url, Channel existing, TargetPolicy policy,
                                               String what) {
        if (!in.has(field) && existing != null) {
            return new SecretChange.Keep();
        }
        if (url == null || url.isBlank()) {
            in.error(field, "required, " + what + (existing == null ? "" : " (it cannot be removed, only replaced)"));
            return new SecretChange.Keep();
        }
        policy.problem(url).ifPresent(problem -> in.error(field, problem));
        return new SecretChange.Replace(url);
    }

    private static SecretChange webhookSecret(FormReader in, Channel existing) {
        if (!in.has("webhook_secret")) {
            return existing == null ? new SecretChange.Generate() : new SecretChange.Keep();
        }
        String secret = in.text("webhook_secret", 200);
        if (secret == null || secret.isEmpty()) {
            if (existing == null && in.errors().stream().noneMatch(e -> e.field().equals("webhook_secret"))) {
                return new SecretChange.Generate();
            }
            in.error("webhook_secret", "an endpoint always has a signing secret: give a new 'whsec_' secret to replace it");
            return new SecretChange.Keep();
        }
        if (!ChannelSecrets.validWebhookSecret(secret)) {
            in.error("webhook_secret", "must be 'whsec_' followed by 16 to 64 bytes in base64");
        }
        return new SecretChange.Replace(secret);
    }
}
