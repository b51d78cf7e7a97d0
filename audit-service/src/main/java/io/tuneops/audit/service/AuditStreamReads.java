package io.tuneops.audit.service;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The consumer group's reads of one stream. XREADGROUP is sent as a plain command and its reply
 * decoded here, because an entry deleted or trimmed while pending comes back as its id with no
 * fields, which the typed client cannot decode (it fails the whole read): such an entry must come
 * back as {@link DeliveredEvent#gone()} so that it can be acknowledged.
 */
@ApplicationScoped
public class AuditStreamReads {

    private static final String EVENT_FIELD = "event";

    private final ReactiveRedisDataSource redis;
    private final ReactiveStreamCommands<String, String, String> streams;

    public AuditStreamReads(ReactiveRedisDataSource redis) {
        this.redis = redis;
        this.streams = redis.stream(String.class);
    }

    /** What this consumer was given earlier and has not acknowledged, oldest first. */
    public Uni<List<DeliveredEvent>> ownPending(String stream, String group, String consumer, int count) {
        return redis.execute("XREADGROUP", "GROUP", group, consumer, "COUNT", Integer.toString(count),
                "STREAMS", stream, "0").map(AuditStreamReads::decode);
    }

    /** Entries no consumer of the group has been given yet, waiting up to {@code block} for some. */
    public Uni<List<DeliveredEvent>> undelivered(String stream, String group, String consumer, int count, Duration block) {
        return redis.execute("XREADGROUP", "GROUP", group, consumer, "COUNT", Integer.toString(count),
                "BLOCK", Long.toString(block.toMillis()), "STREAMS", stream, ">").map(AuditStreamReads::decode);
    }

    /**
     * Moves entries other consumers left pending longer than {@code idle} to this consumer, ids only:
     * {@link #ownPending} then reads them with the rest. Returns how many were moved, a deleted
     * entry (Redis 6.2 answers it with nil) counted too: it is now this consumer's to acknowledge.
     */
    public Uni<Integer> claimStale(String stream, String group, String consumer, Duration idle, int count) {
        return streams.xautoclaim(stream, group, consumer, idle, "0-0", count, true)
                .map(claimed -> claimed == null || claimed.getMessages() == null ? 0 : claimed.getMessages().size());
    }

    /** XREADGROUP's reply: per stream (an array pair, or a map entry under RESP3), its entries. */
    static List<DeliveredEvent> decode(Response reply) {
        List<DeliveredEvent> delivered = new ArrayList<>();
        if (reply == null) {
            return delivered;
        }
        for (Response stream : reply) {
            Response entries = stream == null ? null : stream.get(1);
            if (entries == null) {
                continue;
            }
            for (Response entry : entries) {
                if (entry == null || entry.size() == 0 || entry.get(0) == null) {
                    continue;
                }
                String id = entry.get(0).toString();
                Response fields = entry.size() > 1 ? entry.get(1) : null;
                delivered.add(fields == null ? DeliveredEvent.missing(id) : DeliveredEvent.present(id, event(fields)));
            }
        }
        return delivered;
    }

    private static String event(Response fields) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (EVENT_FIELD.equals(String.valueOf(fields.get(i)))) {
                Response value = fields.get(i + 1);
                return value == null ? null : value.toString();
            }
        }
        return null;
    }
}
