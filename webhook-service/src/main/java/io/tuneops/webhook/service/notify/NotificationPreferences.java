package io.tuneops.webhook.service.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.repository.NotificationChannelRepository;
import io.tuneops.webhook.repository.NotificationPreferenceRepository;
import io.tuneops.webhook.service.FieldError;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/**
 * Preferences: who hears which events on which channel. Admins manage every scope; anyone else
 * only scope "user" preferences of their own (reading included). Every change is audited.
 */
@ApplicationScoped
public class NotificationPreferences {

    private final NotificationPreferenceRepository repository;
    private final NotificationChannelRepository channels;
    private final AuditAppender audit;

    public NotificationPreferences(NotificationPreferenceRepository repository, NotificationChannelRepository channels,
                                   AuditAppender audit) {
        this.repository = repository;
        this.channels = channels;
        this.audit = audit;
    }

    public sealed interface Outcome {
        record Done(Preference preference) implements Outcome {
        }

        record Invalid(List<FieldError> errors) implements Outcome {
        }

        record Forbidden(String detail) implements Outcome {
        }

        record NotFound() implements Outcome {
        }
    }

    /** The preferences {@code by} may see that match the filter. */
    public Uni<List<Preference>> list(NotificationPreferenceRepository.Filter filter, Requester by) {
        if (by.admin()) {
            return repository.list(filter);
        }
        if (by.userId() == null || filter.scope() != null && filter.scope() != PreferenceScope.USER
                || filter.scopeId() != null && !filter.scopeId().equals(by.userId())) {
            return Uni.createFrom().item(List.of());
        }
        return repository.list(new NotificationPreferenceRepository.Filter(filter.channelId(), PreferenceScope.USER, by.userId()));
    }

    public Uni<Long> count() {
        return repository.count();
    }

    public Uni<Outcome> create(JsonObject body, Requester by) {
        PreferenceForm.Parsed parsed = PreferenceForm.parse(body, by);
        if (parsed.forbidden() != null) {
            return Uni.createFrom().item(new Outcome.Forbidden(parsed.forbidden()));
        }
        if (!parsed.errors().isEmpty()) {
            return Uni.createFrom().item(new Outcome.Invalid(parsed.errors()));
        }
        Preference p = parsed.preference();
        return repository.<Outcome>transaction(tx -> (p.channelId() == null ? Uni.createFrom().item(Optional.<Channel>empty())
                                : channels.lock(tx, p.channelId()))
                        .chain(channel -> {
                            Optional<FieldError> wrong = channelProblem(p, channel);
                            if (wrong.isPresent()) {
                                return Uni.createFrom().item(new Outcome.Invalid(List.of(wrong.get())));
                            }
                            return repository.insert(tx, p).map(Outcome.Done::new);
                        }),
                (outcome, left) -> outcome instanceof Outcome.Done done
                        ? audit.append(event("notification_preference.created", "create", done.preference(), by), left)
                        : Uni.createFrom().voidItem());
    }

    private static Optional<FieldError> channelProblem(Preference p, Optional<Channel> channel) {
        if (p.channelId() == null) {
            return Optional.empty();
        }
        if (channel.isEmpty()) {
            return Optional.of(new FieldError("channel_id", "no channel " + p.channelId()));
        }
        if (!p.recipients().isEmpty() && channel.get().type() != ChannelType.EMAIL) {
            return Optional.of(new FieldError("recipients", "only e-mail channels take recipients"));
        }
        return Optional.empty();
    }

    public Uni<Outcome> delete(String id, Requester by) {
        return repository.<Outcome>transaction(tx -> repository.lock(tx, id).chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new Outcome.NotFound());
                    }
                    if (!by.admin() && !ownedBy(found.get(), by)) {
                        return Uni.createFrom().item(new Outcome.Forbidden("Only an admin may delete a preference that is not "
                                + "your own (scope 'user', your user id)"));
                    }
                    return repository.delete(tx, id).map(deleted -> deleted.<Outcome>map(Outcome.Done::new)
                            .orElse(new Outcome.NotFound()));
                }),
                (outcome, left) -> outcome instanceof Outcome.Done done
                        ? audit.append(event("notification_preference.deleted", "delete", done.preference(), by), left)
                        : Uni.createFrom().voidItem());
    }

    private static boolean ownedBy(Preference p, Requester by) {
        return p.scope() == PreferenceScope.USER && by.userId() != null && by.userId().equals(p.scopeId());
    }

    private static AuditEvent event(String type, String action, Preference p, Requester by) {
        return AuditEvent.of(type, by.actor(), by.clientIp(), "notification_preference", p.id(), action,
                new NotificationAuditDetails.PreferenceChanged(p.channelId(), p.eventType(), p.minSeverity(), p.scope(), p.scopeId(),
                        p.mute(), p.enabled(), p.recipients().size()));
    }
}
