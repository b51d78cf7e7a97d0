package io.tuneops.audit.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.SharedNames;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The audit trail's health for alerting: chain verifications by result, and how far ingestion is
 * behind the shared stream. The lag is measured from Redis (stream ids carry the time Redis
 * accepted the event), so it covers both events delivered but never acknowledged (a failing
 * store) and events no consumer has read yet (a slow one). It is refreshed on a timer, because a
 * gauge callback must not wait for Redis.
 */
@ApplicationScoped
public class AuditMeters {

    /** What one measurement found: events delivered but unacknowledged, and the age of the oldest unstored event. */
    public record Lag(long pending, double seconds) {
    }

    static final long REFRESH_MILLIS = 10_000;
    private static final Logger LOG = Logger.getLogger(AuditMeters.class);

    private final ReactiveRedisDataSource redis;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final Vertx vertx;
    private final Counter valid;
    private final Counter broken;
    private volatile Lag lag = new Lag(0, 0);
    private long timer = -1;

    public AuditMeters(MeterRegistry registry, ReactiveRedisDataSource redis, Vertx vertx) {
        this.redis = redis;
        this.streams = redis.stream(String.class);
        this.vertx = vertx;
        valid = verifications(registry, "valid");
        broken = verifications(registry, "broken");
        Gauge.builder("tuneops_audit_stream_pending_entries", this, m -> m.lag.pending())
                .description("Audit events delivered to audit-service but not yet stored and acknowledged").register(registry);
        Gauge.builder("tuneops_audit_ingest_lag_seconds", this, m -> m.lag.seconds())
                .description("Age of the oldest audit event in the stream that is not stored yet (0: none)").register(registry);
    }

    private static Counter verifications(MeterRegistry registry, String result) {
        return Counter.builder("tuneops_audit_verifications_total").description("Chain verifications, by result")
                .tag("result", result).register(registry);
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(REFRESH_MILLIS, id -> refresh().subscribe().with(v -> { },
                e -> LOG.debugf("audit ingest lag not measured: %s", e.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    public void verified(boolean ok) {
        (ok ? valid : broken).increment();
    }

    public Uni<Lag> refresh() {
        return measure(SharedNames.AUDIT_STREAM, StreamConsumer.GROUP).invoke(measured -> lag = measured);
    }

    /** The lag of consumer group {@code group} on {@code stream}, at Redis's clock. */
    public Uni<Lag> measure(String stream, String group) {
        return streams.xpending(stream, group).flatMap(summary -> lastDelivered(stream, group)
                .flatMap(last -> last == null ? Uni.createFrom().<String>nullItem() : firstAfter(stream, last))
                .flatMap(undelivered -> redis.execute("TIME").map(time -> {
                    long now = Long.parseLong(time.get(0).toString()) * 1000 + Long.parseLong(time.get(1).toString()) / 1000;
                    long oldest = Long.MAX_VALUE;
                    if (summary.getPendingCount() > 0 && summary.getLowestId() != null) {
                        oldest = millis(summary.getLowestId());
                    }
                    if (undelivered != null) {
                        oldest = Math.min(oldest, millis(undelivered));
                    }
                    double seconds = oldest == Long.MAX_VALUE ? 0 : Math.max(0, now - oldest) / 1000.0;
                    return new Lag(summary.getPendingCount(), seconds);
                })));
    }

    /** The group's last-delivered-id from XINFO GROUPS (the typed API has no XINFO). */
    private Uni<String> lastDelivered(String stream, String group) {
        return redis.execute("XINFO", "GROUPS", stream).map(groups -> {
            for (Response g : groups) {
                if (group.equals(field(g, "name"))) {
                    return field(g, "last-delivered-id");
                }
            }
            return null;
        });
    }

    private Uni<String> firstAfter(String stream, String id) {
        return redis.execute("XRANGE", stream, "(" + id, "+", "COUNT", "1")
                .map(r -> r == null || r.size() == 0 ? null : r.get(0).get(0).toString());
    }

    /** A field of a RESP3 map (what Redis 6+ answers the client) or of a RESP2 flat key/value array. */
    private static String field(Response r, String key) {
        try {
            Response v = r.get(key);
            return v == null ? null : v.toString();
        } catch (RuntimeException notAMap) {
            for (int i = 0; i + 1 < r.size(); i += 2) {
                if (key.equals(String.valueOf(r.get(i)))) {
                    return String.valueOf(r.get(i + 1));
                }
            }
            return null;
        }
    }

    private static long millis(String streamId) {
        int dash = streamId.indexOf('-');
        return Long.parseLong(dash < 0 ? streamId : streamId.substring(0, dash));
    }
}
