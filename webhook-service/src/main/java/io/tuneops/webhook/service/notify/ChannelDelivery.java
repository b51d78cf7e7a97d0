package io.tuneops.webhook.service.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.client.notify.EmailSender;
import io.tuneops.webhook.client.notify.SendResult;
import io.tuneops.webhook.client.notify.SlackSender;
import io.tuneops.webhook.client.notify.StandardWebhookSender;
import io.tuneops.webhook.config.NotificationConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/** Sends one notification through one channel, whatever its type, within the delivery timeout. */
@ApplicationScoped
public class ChannelDelivery {

    private final SlackSender slack;
    private final EmailSender email;
    private final StandardWebhookSender webhook;
    private final ChannelSecrets secrets;
    private final Duration timeout;

    public ChannelDelivery(SlackSender slack, EmailSender email, StandardWebhookSender webhook, ChannelSecrets secrets,
                           NotificationConfig config) {
        this.slack = slack;
        this.email = email;
        this.webhook = webhook;
        this.secrets = secrets;
        this.timeout = config.deliveryTimeout();
    }

    public Uni<SendResult> send(Channel channel, byte[] sealedSecret, List<String> recipients, Notification notification) {
        String secret;
        try {
            secret = sealedSecret == null ? null : secrets.open(channel.id(), sealedSecret);
        } catch (IllegalStateException e) {
            return Uni.createFrom().item(SendResult.failed(null, "the channel's secret cannot be decrypted "
                    + "(was TUNEOPS_ENCRYPTION_KEY changed?); set it again", 0));
        }
        return switch (channel.type()) {
            case SLACK -> secret == null ? missing("an incoming-webhook URL")
                    : slack.send(secret, notification, timeout);
            case WEBHOOK -> secret == null ? missing("a signing secret")
                    : webhook.send(channel.settings().webhookUrl(), secret, notification, timeout);
            case EMAIL -> email.send(channel.id(), channel.settings(), secret, recipients, notification, timeout);
        };
    }

    private static Uni<SendResult> missing(String what) {
        return Uni.createFrom().item(SendResult.failed(null, "the channel has no " + what, 0));
    }
}
