package io.tuneops.webhook.service.notify;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.repository.NotificationDeliveryRepository;
import io.tuneops.webhook.repository.NotificationSetupRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where the installation's notifications stand (the console's setup prompt and status page), and dismissing the prompt. */
@ApplicationScoped
public class NotificationSetup {

    private final NotificationChannels channels;
    private final NotificationPreferences preferences;
    private final NotificationDeliveryRepository deliveries;
    private final NotificationSetupRepository setup;
    private final NotificationDispatcher dispatcher;
    private final AuditAppender audit;

    public NotificationSetup(NotificationChannels channels, NotificationPreferences preferences,
                             NotificationDeliveryRepository deliveries, NotificationSetupRepository setup,
                             NotificationDispatcher dispatcher, AuditAppender audit) {
        this.channels = channels;
        this.preferences = preferences;
        this.deliveries = deliveries;
        this.setup = setup;
        this.dispatcher = dispatcher;
        this.audit = audit;
    }

    /**
     * @param dispatcherRunning whether this replica routes and delivers (tuneops.notifications.enabled)
     */
    public record Status(boolean skipped, List<Channel> channels, long preferences, boolean dispatcherRunning,
                         NotificationDeliveryRepository.Stats stats) {

        /** Set up: at least one channel exists. */
        public boolean initialized() {
            return !channels.isEmpty();
        }

        public Map<ChannelType, Long> byType() {
            Map<ChannelType, Long> counts = new EnumMap<>(ChannelType.class);
            channels.forEach(c -> counts.merge(c.type(), 1L, Long::sum));
            return counts;
        }
    }

    public Uni<Status> status() {
        return Uni.combine().all().unis(setup.skipped(), channels.list(Optional.empty()), preferences.count(), deliveries.stats())
                .asTuple().map(t -> new Status(t.getItem1(), t.getItem2(), t.getItem3(), dispatcher.running(), t.getItem4()));
    }

    public Uni<Void> skip(Requester by) {
        AuditEvent event = AuditEvent.of("notification_setup.skipped", by.actor(), by.clientIp(), "notification_setup", "setup",
                "skip", new NotificationAuditDetails.SetupSkipped(true));
        return setup.transaction(tx -> setup.skip(tx, by.actor()), (done, left) -> audit.append(event, left));
    }
}
