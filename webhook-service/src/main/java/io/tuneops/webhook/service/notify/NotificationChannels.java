package io.tuneops.webhook.service.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.client.notify.SendResult;
import io.tuneops.webhook.repository.NotificationChannelRepository;
import io.tuneops.webhook.service.FieldError;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Notification channels: created, changed and deleted by admins, each change audited in its
 * transaction (the fields it set, never a secret), secrets sealed and never read back; and the
 * test action, a real send whose answer is reported.
 */
@ApplicationScoped
public class NotificationChannels {

    private final NotificationChannelRepository repository;
    private final ChannelSecrets secrets;
    private final TargetPolicy policy;
    private final AuditAppender audit;
    private final ChannelDelivery delivery;
    private final NotificationRenderer renderer;

    public NotificationChannels(NotificationChannelRepository repository, ChannelSecrets secrets, TargetPolicy policy,
                                AuditAppender audit, ChannelDelivery delivery, NotificationRenderer renderer) {
        this.repository = repository;
        this.secrets = secrets;
        this.policy = policy;
        this.audit = audit;
        this.delivery = delivery;
        this.renderer = renderer;
    }

    /** What a change came to. */
    public sealed interface Change {
        record Done(Channel channel, Optional<String> generatedSecret) implements Change {
        }

        record Invalid(List<FieldError> errors) implements Change {
        }

        record NotFound() implements Change {
        }
    }

    /** A channel test's report: what the far end answered. */
    public record TestReport(ChannelType channelType, SendResult result) {
    }

    public Uni<List<Channel>> list(Optional<ChannelType> type) {
        return repository.list(type);
    }

    public Uni<Optional<Channel>> find(String id) {
        return repository.find(id);
    }

    public Uni<Change> create(JsonObject body, Requester by) {
        ChannelForm.Parsed parsed = ChannelForm.parse(body, null, policy);
        if (!parsed.errors().isEmpty()) {
            return Uni.createFrom().item(new Change.Invalid(parsed.errors()));
        }
        ChannelForm.Draft d = parsed.draft();
        String id = NotificationIds.channel();
        Optional<String> generated = d.secret() instanceof SecretChange.Generate
                ? Optional.of(ChannelSecrets.newWebhookSecret()) : Optional.empty();
        String secret = generated.orElse(d.secret() instanceof SecretChange.Replace set ? set.value() : null);
        Channel draft = new Channel(id, d.name(), d.type(), d.enabled(), d.settings(), secret != null, d.orgId(), by.actor(),
                null, null);
        AuditEvent event = event("notification_channel.created", "create", draft, body, secret != null, by);
        return repository.transaction(tx -> repository.insert(tx, draft, secret == null ? null : secrets.seal(id, secret)),
                        (created, left) -> audit.append(event, left))
                .map(created -> new Change.Done(created, generated));
    }

    public Uni<Change> update(String id, JsonObject body, Requester by) {
        List<AuditEvent> events = new ArrayList<>(1);
        return repository.<Change>transaction(tx -> repository.lock(tx, id).chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new Change.NotFound());
                    }
                    ChannelForm.Parsed parsed = ChannelForm.parse(body, found.get(), policy);
                    if (!parsed.errors().isEmpty()) {
                        return Uni.createFrom().item(new Change.Invalid(parsed.errors()));
                    }
                    ChannelForm.Draft d = parsed.draft();
                    Channel changed = new Channel(id, d.name(), d.type(), d.enabled(), d.settings(), found.get().secretConfigured(),
                            d.orgId(), found.get().createdBy(), found.get().createdAt(), null);
                    boolean secretChanged = !(d.secret() instanceof SecretChange.Keep);
                    byte[] sealed = d.secret() instanceof SecretChange.Replace set ? secrets.seal(id, set.value()) : null;
                    events.add(event("notification_channel.updated", "update", changed, body, secretChanged, by));
                    return repository.update(tx, changed, secretChanged, sealed)
                            .map(updated -> updated.<Change>map(c -> new Change.Done(c, Optional.empty())).orElse(new Change.NotFound()));
                }),
                (change, left) -> change instanceof Change.Done ? audit.append(events.get(0), left) : Uni.createFrom().voidItem());
    }

    /** The deleted channel (its preferences and deliveries go with it); empty when there was none. */
    public Uni<Optional<Channel>> delete(String id, Requester by) {
        return repository.transaction(tx -> repository.delete(tx, id), (deleted, left) -> deleted.isEmpty()
                ? Uni.createFrom().voidItem()
                : audit.append(event("notification_channel.deleted", "delete", deleted.get(), new JsonObject(), false, by), left));
    }

    /**
     * Sends a test message through the channel as it is stored: to {@code recipients}, or for an
     * e-mail channel without them to its own sender address. Empty when there is no such channel.
     */
    public Uni<Optional<TestReport>> test(String id, List<String> recipients) {
        return repository.findWithSecret(id).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<TestReport>empty());
            }
            Channel channel = found.get().channel();
            List<String> to = !recipients.isEmpty() || channel.settings().fromAddress() == null ? recipients
                    : List.of(channel.settings().fromAddress());
            Notification test = renderer.test(channel.name(), "evt_test_" + NotificationIds.random(26));
            return delivery.send(channel, found.get().sealedSecret(), to, test)
                    .map(result -> Optional.of(new TestReport(channel.type(), result)));
        });
    }

    private static AuditEvent event(String type, String action, Channel c, JsonObject body, boolean secretChanged, Requester by) {
        List<String> fields = body.fieldNames().stream().filter(f -> !ChannelForm.READ_ONLY.contains(f)).sorted().toList();
        return AuditEvent.of(type, by.actor(), by.clientIp(), "notification_channel", c.id(), action,
                new NotificationAuditDetails.ChannelChanged(c.name(), c.type(), c.enabled(), fields, secretChanged));
    }
}
