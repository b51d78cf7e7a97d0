package io.tuneops.audit.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tuneops.audit.config.AuditConfig;
import io.tuneops.support.SharedNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tuneops.support.SharedNames.AUDIT_REJECTED_STREAM;
import static io.tuneops.support.SharedNames.AUDIT_STREAM;

/**
 * Reads the shared audit stream ({@link SharedNames#AUDIT_STREAM}) with a consumer group and
 * acknowledges each event only after the transaction that stored it has committed: an
 * audit-service killed mid-batch leaves its events pending, and they are delivered again (to its
 * successor, or claimed by another replica after {@code reclaim-after}); storing is idempotent by
 * event id, so nothing is lost or doubled.
 * Events that do not fit the schema, or that PostgreSQL refuses, go to
 * {@link SharedNames#AUDIT_REJECTED_STREAM} instead of blocking the stream; an entry deleted or
 * trimmed from the stream while pending is acknowledged, since nothing of it is left to store.
 */
@ApplicationScoped
public class StreamConsumer {

    public static final String GROUP = "audit-service";
    private static final Logger LOG = Logger.getLogger(StreamConsumer.class);

    private final ReactiveStreamCommands<String, String, String> streams;
    private final AuditStreamReads reads;
    private final BatchAppender appender;
    private final ObjectMapper json;
    private final AuditConfig config;
    private final String consumer;
    private volatile boolean running;
    private Cancellable loop;

    public StreamConsumer(ReactiveRedisDataSource redis, AuditStreamReads reads, BatchAppender appender, ObjectMapper json,
                          AuditConfig config) {
        this.streams = redis.stream(String.class);
        this.reads = reads;
        this.appender = appender;
        this.json = json;
        this.config = config;
        this.consumer = config.consumerName().orElseGet(StreamConsumer::hostName);
    }

    void start(@Observes StartupEvent event) {
        running = true;
        // first what this consumer left pending before a restart, then new events, claiming other
        // consumers' stale ones between reads
        loop = createGroup()
                .chain(() -> drainOwnPending())
                .onItem().transformToMulti(x -> Multi.createBy().repeating().uni(this::cycle).whilst(n -> running))
                .onFailure().invoke(e -> LOG.warnf("audit stream consumer paused: %s", e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).indefinitely()
                .subscribe().with(n -> { }, e -> LOG.error("audit stream consumer stopped", e));
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (loop != null) {
            loop.cancel();
        }
    }

    private Uni<Void> createGroup() {
        return streams.xgroupCreate(AUDIT_STREAM, GROUP, "0", new XGroupCreateArgs().mkstream())
                .onFailure(e -> String.valueOf(e.getMessage()).contains("BUSYGROUP")).recoverWithNull()
                .replaceWithVoid();
    }

    /** Reads this consumer's pending entries batch by batch until none is left; returns how many it handled. */
    private Uni<Integer> drainOwnPending() {
        return reads.ownPending(AUDIT_STREAM, GROUP, consumer, config.batchSize())
                .flatMap(this::store)
                .flatMap(n -> n > 0 ? drainOwnPending().map(more -> n + more) : Uni.createFrom().item(0));
    }

    private Uni<Integer> cycle() {
        // stale entries of other consumers become this one's pending entries, which are read with
        // its own: one path for everything delivered before, gone entries included. Without a claim
        // nothing is pending here (a batch that failed restarts the loop, which drains first), so
        // the read is skipped.
        return reads.claimStale(AUDIT_STREAM, GROUP, consumer, config.reclaimAfter(), config.batchSize())
                .flatMap(claimed -> claimed > 0 ? drainOwnPending() : Uni.createFrom().item(0))
                .flatMap(redelivered -> reads.undelivered(AUDIT_STREAM, GROUP, consumer, config.batchSize(), Duration.ofSeconds(1))
                        .flatMap(this::store)
                        .map(n -> n + redelivered));
    }

    /**
     * Stores a batch and acknowledges every entry of it: the stored ones once their transaction
     * committed, the ones that do not fit or that PostgreSQL refused once they are in the rejected
     * stream, and the ones the stream no longer holds at once (nothing of them is left to store).
     *
     * @return how many entries the batch had
     */
    private Uni<Integer> store(List<DeliveredEvent> delivered) {
        if (delivered.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<BatchAppender.Accepted> accepted = new ArrayList<>();
        List<RejectedEvent> rejected = new ArrayList<>();
        for (DeliveredEvent d : delivered) {
            if (d.gone()) {
                LOG.warnf("audit stream entry %s was deleted or trimmed before it was stored; acknowledged without it",
                        d.streamId());
                continue;
            }
            try {
                accepted.add(new BatchAppender.Accepted(d, IncomingEvent.parse(json.readTree(d.raw()))));
            } catch (Exception e) {
                String reason = d.raw() == null ? "the entry has no event field" : "does not fit the schema: " + e.getMessage();
                LOG.errorf("audit event %s %s; moved to %s", d.streamId(), reason, AUDIT_REJECTED_STREAM);
                rejected.add(new RejectedEvent(d.streamId(), d.raw(), reason));
            }
        }
        String[] ids = delivered.stream().map(DeliveredEvent::streamId).toArray(String[]::new);
        return appender.append(accepted)
                .flatMap(refused -> setAside(concat(rejected, refused)))
                .call(() -> streams.xack(AUDIT_STREAM, GROUP, ids))
                .invoke(() -> LOG.debugf("handled %d audit stream entries", (Object) delivered.size()))
                .replaceWith(delivered.size());
    }

    private static List<RejectedEvent> concat(List<RejectedEvent> a, List<RejectedEvent> b) {
        List<RejectedEvent> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Uni<Void> setAside(List<RejectedEvent> rejected) {
        if (rejected.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<String>> adds = new ArrayList<>();
        for (RejectedEvent r : rejected) {
            String raw = String.valueOf(r.raw());
            adds.add(streams.xadd(AUDIT_REJECTED_STREAM, new XAddArgs().maxlen(100_000L).nearlyExactTrimming(),
                    Map.of("id", r.streamId(), "event", cut(raw, 65536), "reason", cut(r.reason(), 1024))));
        }
        return Uni.join().all(adds).andFailFast().replaceWithVoid();
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "audit-service";
        }
    }
}
