package io.tuneops.webhook.service.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.repository.NotificationDeliveryRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/** The delivery history, and the retry of a failed delivery (audited). */
@ApplicationScoped
public class NotificationHistory {

    private final NotificationDeliveryRepository deliveries;
    private final AuditAppender audit;

    public NotificationHistory(NotificationDeliveryRepository deliveries, AuditAppender audit) {
        this.deliveries = deliveries;
        this.audit = audit;
    }

    public record Page(List<DeliveryEntry> entries, long total, boolean hasMore) {
    }

    public sealed interface Retry {
        record Done(DeliveryEntry entry) implements Retry {
        }

        record NotFailed(DeliveryStatus status) implements Retry {
        }

        record NotFound() implements Retry {
        }
    }

    public Uni<Page> page(HistoryFilter filter) {
        return Uni.combine().all().unis(deliveries.history(filter), deliveries.count(filter)).asTuple()
                .map(t -> new Page(t.getItem1(), t.getItem2(), filter.offset() + t.getItem1().size() < t.getItem2()));
    }

    public Uni<Optional<DeliveryEntry>> find(long id) {
        return deliveries.find(id);
    }

    /** Puts a failed delivery back in the queue with a fresh set of attempts; the dispatchers are woken at the COMMIT. */
    public Uni<Retry> retry(long id, Requester by) {
        return deliveries.find(id).chain(before -> {
            if (before.isEmpty()) {
                return Uni.createFrom().item(new Retry.NotFound());
            }
            AuditEvent event = AuditEvent.of("notification_delivery.retried", by.actor(), by.clientIp(), "notification_delivery",
                    Long.toString(id), "retry", new NotificationAuditDetails.DeliveryRetried(before.get().eventId(),
                            before.get().channelId(), before.get().attempts()));
            return deliveries.<Retry>transaction(tx -> deliveries.lockStatus(tx, id).chain(status -> {
                        if (status.isEmpty()) {
                            return Uni.createFrom().item(new Retry.NotFound());
                        }
                        if (status.get() != DeliveryStatus.FAILED) {
                            return Uni.createFrom().item(new Retry.NotFailed(status.get()));
                        }
                        // the answer is the delivery as the retry left it: once committed, a dispatcher
                        // may claim it at once, and a later read would show its attempt instead
                        return deliveries.requeue(tx, id).chain(() -> deliveries.find(tx, id))
                                .map(after -> after.<Retry>map(Retry.Done::new).orElse(new Retry.NotFound()));
                    }), (retry, left) -> retry instanceof Retry.Done ? audit.append(event, left) : Uni.createFrom().voidItem());
        });
    }
}
