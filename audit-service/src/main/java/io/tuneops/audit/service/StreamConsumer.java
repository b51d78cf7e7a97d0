package io.tuneops.audit.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tuneops.audit.config.AuditConfig;
import io.tuneops.audit.repository.EntryRepository;
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
 * Events that do not fit the schema go to {@link SharedNames#AUDIT_REJECTED_STREAM} instead of
 * blocking the stream.
 */
@ApplicationScoped
public class StreamConsumer {

    public static final String GROUP = "audit-service";
    private static final Logger LOG = Logger.getLogger(StreamConsumer.class);

    private final ReactiveStreamCommands<String, String, String> streams;
    private final EntryRepository entries;
    private final ObjectMapper json;
    private final AuditConfig config;
    private final String consumer;
    private volatile boolean running;
    private Cancellable loop;

    public StreamConsumer(ReactiveRedisDataSource redis, EntryRepository entries, ObjectMapper json, AuditConfig config) {
        this.streams = redis.stream(String.class);
        this.entries = entries;
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

    private Uni<Integer> drainOwnPending() {
        return streams.xreadgroup(GROUP, consumer, AUDIT_STREAM, "0", new XReadGroupArgs().count(config.batchSize()))
                .flatMap(this::store)
                .flatMap(n -> n > 0 ? drainOwnPending() : Uni.createFrom().item(0));
    }

    private Uni<Integer> cycle() {
        return streams.xautoclaim(AUDIT_STREAM, GROUP, consumer, config.reclaimAfter(), "0-0", config.batchSize())
                .flatMap(claimed -> store(claimed.getMessages()))
                .flatMap(reclaimed -> streams.xreadgroup(GROUP, consumer, AUDIT_STREAM, ">",
                                new XReadGroupArgs().count(config.batchSize()).block(Duration.ofSeconds(1)))
                        .flatMap(this::store)
                        .map(n -> n + reclaimed));
    }

    private Uni<Integer> store(List<StreamMessage<String, String, String>> messages) {
        if (messages == null || messages.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<IncomingEvent> events = new ArrayList<>();
        List<StreamMessage<String, String, String>> rejected = new ArrayList<>();
        for (StreamMessage<String, String, String> m : messages) {
            try {
                events.add(IncomingEvent.parse(json.readTree(m.payload().get("event"))));
            } catch (Exception e) {
                LOG.errorf("audit event %s does not fit the schema (%s); moved to %s", m.id(), e.getMessage(),
                        AUDIT_REJECTED_STREAM);
                rejected.add(m);
            }
        }
        String[] ids = messages.stream().map(StreamMessage::id).toArray(String[]::new);
        return setAside(rejected)
                .chain(() -> entries.append(events))
                .call(added -> streams.xack(AUDIT_STREAM, GROUP, ids))
                .invoke(added -> LOG.debugf("stored %d audit entries of %d delivered", added, (Object) messages.size()))
                .replaceWith(messages.size());
    }

    private Uni<Void> setAside(List<StreamMessage<String, String, String>> rejected) {
        if (rejected.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<String>> adds = new ArrayList<>();
        for (StreamMessage<String, String, String> m : rejected) {
            String raw = String.valueOf(m.payload().get("event"));
            adds.add(streams.xadd(AUDIT_REJECTED_STREAM, new XAddArgs().maxlen(100_000L).nearlyExactTrimming(),
                    Map.of("id", m.id(), "event", raw.length() > 65536 ? raw.substring(0, 65536) : raw)));
        }
        return Uni.join().all(adds).andFailFast().replaceWithVoid();
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
