package io.tuneops.webhook.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tuneops.support.notify.NotificationEventPayload;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.client.CircuitOpened;
import io.tuneops.webhook.service.notify.NotificationEventType;
import io.tuneops.webhook.service.notify.NotificationOutbox;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * system.circuit_open when a provider's circuit breaker opens. Each replica has its own breakers,
 * so the event id is derived from the provider and the minute of the opening: replicas whose
 * breakers open in the same minute write one event. There is no transaction to join: one insert.
 */
@ApplicationScoped
public class CircuitOpenNotice {

    private static final Logger LOG = Logger.getLogger(CircuitOpenNotice.class);

    /** The data of a system event. */
    public record SystemEventData(String component, String provider, String detail, String first_broken_id) {
    }

    private final NotificationOutbox outbox;
    private final Pool pool;
    private final StoreDeadlines deadlines;
    private final ObjectMapper json;

    public CircuitOpenNotice(NotificationOutbox outbox, Pool pool, StoreDeadlines deadlines, ObjectMapper json) {
        this.outbox = outbox;
        this.pool = pool;
        this.deadlines = deadlines;
        this.json = json;
    }

    /** Called on the thread whose call opened the breaker: the insert is only started here, never awaited. */
    void opened(@Observes CircuitOpened opened) {
        NotificationEventPayload event = new NotificationEventPayload(
                "evt_circuit_open_" + opened.provider() + "_" + opened.at().getEpochSecond() / 60,
                NotificationEventType.SYSTEM_CIRCUIT_OPEN.wire(), null, null, null, null, null, null,
                json.valueToTree(new SystemEventData("webhook-service", opened.provider(), opened.detail(), null)));
        deadlines.database(outbox.record(pool, event)).subscribe().with(
                stored -> LOG.debugf("system.circuit_open of %s recorded: %s", opened.provider(), stored),
                e -> LOG.errorf("system.circuit_open of %s not recorded: %s", opened.provider(), e.toString()));
    }
}
