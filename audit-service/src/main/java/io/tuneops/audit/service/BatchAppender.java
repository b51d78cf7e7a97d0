package io.tuneops.audit.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.tuneops.audit.repository.EntryRepository;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Appends a batch of events in one transaction and, when PostgreSQL refuses it for what an event
 * holds, appends them one by one so that only the event at fault is refused: the others are stored
 * in their order and the consumer reads on. A failure that is not about the data (the database
 * unreachable, a deadline) fails the whole batch, to be read and stored again later.
 */
@ApplicationScoped
public class BatchAppender {

    private static final Logger LOG = Logger.getLogger(BatchAppender.class);

    /**
     * SQLSTATE classes caused by a value: 22 data exception (a value out of range, U+0000 in text),
     * 54 program limit exceeded (a value too long for its index). Not 23: an event's id is checked
     * under the head's lock, so a unique violation means the chain head fell behind the table (a
     * restore, a repair), the database's state and not the events' fault; refusing every event for
     * it would stop the trail without the ingestion-lag alert that retrying raises.
     */
    private static final Set<String> DATA_CLASSES = Set.of("22", "54");

    private final EntryRepository entries;

    public BatchAppender(EntryRepository entries) {
        this.entries = entries;
    }

    /** An event that fits the schema, with the stream entry it came from. */
    public record Accepted(DeliveredEvent delivered, IncomingEvent event) {
    }

    /** Stores what PostgreSQL takes of {@code batch}; returns the events it refused. */
    public Uni<List<RejectedEvent>> append(List<Accepted> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return entries.append(batch.stream().map(Accepted::event).toList())
                .replaceWith(List.<RejectedEvent>of())
                .onFailure(BatchAppender::causedByData).recoverWithUni(e -> batch.size() == 1
                        ? Uni.createFrom().item(List.of(refused(batch.get(0), e)))
                        : oneByOne(batch));
    }

    /** In stream order, so the chain keeps the order the events were appended in. */
    private Uni<List<RejectedEvent>> oneByOne(List<Accepted> batch) {
        LOG.warnf("a batch of %d audit events was refused for its data; storing them one by one", batch.size());
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(one -> entries.append(List.of(one.event()))
                        .replaceWith(List.<RejectedEvent>of())
                        .onFailure(BatchAppender::causedByData).recoverWithItem(e -> List.of(refused(one, e))))
                .collect().in(ArrayList<RejectedEvent>::new, List::addAll)
                .map(List::copyOf);
    }

    private static RejectedEvent refused(Accepted one, Throwable e) {
        String reason = "refused by the database: " + e.getMessage();
        LOG.errorf("audit event %s (stream entry %s) %s", one.event().id(), one.delivered().streamId(), reason);
        return new RejectedEvent(one.delivered().streamId(), one.delivered().raw(), reason);
    }

    static boolean causedByData(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().length() == 5) {
                return DATA_CLASSES.contains(pg.getSqlState().substring(0, 2));
            }
        }
        return false;
    }
}
