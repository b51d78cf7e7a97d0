package io.tuneops.audit.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.audit.repository.NotificationOutboxRepository;
import io.tuneops.support.notify.NotificationEventPayload;
import io.tuneops.support.notify.OutboxRelay;
import io.tuneops.support.notify.OutboxRelays;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Tells people when a verification finds the chain broken: a {@code system.audit_chain_broken}
 * event (critical) goes to audit.notification_outbox, and this service's {@link OutboxRelay} hands
 * it to webhook-service. Each break is reported once, by the seq of its first broken entry,
 * however often the chain is verified (on schedule and on request) while it stays broken.
 */
@ApplicationScoped
public class ChainBreakNotifications {

    static final String OUTBOX = "audit.notification_outbox";
    static final String EVENT_TYPE = "system.audit_chain_broken";
    static final String EVENT_ID_PREFIX = "evt_audit_chain_broken_";
    private static final Logger LOG = Logger.getLogger(ChainBreakNotifications.class);

    /** The event's data, as the notifications contract names it. */
    record ChainBroken(String component, @JsonProperty("first_broken_id") long firstBrokenId, String detail) {
    }

    private final NotificationOutboxRepository outbox;
    private final OutboxRelay relay;
    private final ObjectMapper json;

    public ChainBreakNotifications(NotificationOutboxRepository outbox, OutboxRelays relays, ObjectMapper json) {
        this.outbox = outbox;
        this.relay = relays.forTable(OUTBOX);
        this.json = json;
    }

    void start(@Observes StartupEvent event) {
        relay.start();
    }

    void stop(@Observes ShutdownEvent event) {
        relay.stop();
    }

    /**
     * Reports the first broken link of {@code result}, unless it was reported before; nothing for
     * an intact chain. The verification's answer stands when the event cannot be queued (logged):
     * the next verification that finds the break queues it.
     */
    public Uni<Void> verified(ChainVerifier.Result result) {
        ChainVerifier.BrokenLink link = result.first_broken_link();
        if (result.valid() || link == null) {
            return Uni.createFrom().voidItem();
        }
        String eventId = EVENT_ID_PREFIX + link.seq();
        NotificationEventPayload event = new NotificationEventPayload(eventId, EVENT_TYPE, null, OffsetDateTime.now(ZoneOffset.UTC),
                null, null, null, null, json.valueToTree(new ChainBroken("audit", link.seq(), link.reason())));
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("audit chain event not encodable", e));
        }
        return outbox.queueChainBreak(link.seq(), link.reason(), eventId, payload)
                .invoke(queued -> {
                    if (queued) {
                        relay.wake();
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("the broken audit chain (entry %d) could not be queued for notification: %s", link.seq(), e.toString());
                    return Uni.createFrom().voidItem();
                });
    }
}
