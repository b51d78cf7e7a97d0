package io.tuneops.gateway.webhook;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import inet.ipaddr.IPAddress;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tuneops.gateway.net.IpRanges;
import io.tuneops.support.SharedNames;
import io.tuneops.support.store.StoreDeadlines;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-provider webhook allowlists, as webhook-service publishes them: a Redis hash
 * ({@link SharedNames#WEBHOOK_ALLOWLISTS}, provider to JSON array of CIDRs) plus a pub/sub message
 * on every change ({@link SharedNames#WEBHOOK_ALLOWLISTS_CHANGED}). Each gateway replica keeps them in memory: a change reaches it within
 * milliseconds through pub/sub, and a full reload every few seconds covers a missed message or a
 * Redis reconnect. No request waits on Redis or the database for them.
 */
@ApplicationScoped
public class WebhookAllowlists {

    static final Duration RELOAD_EVERY = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(WebhookAllowlists.class);

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final Map<String, IpRanges> byProvider = new ConcurrentHashMap<>();
    private Cancellable subscription;
    private Cancellable ticker;

    private final StoreDeadlines deadlines;

    public WebhookAllowlists(ReactiveRedisDataSource redis, ObjectMapper json, StoreDeadlines deadlines) {
        this.redis = redis;
        this.json = json;
        this.deadlines = deadlines;
    }

    void start(@Observes StartupEvent event) {
        reload().subscribe().with(v -> { }, e -> { });
        subscription = redis.pubsub(String.class).subscribe(SharedNames.WEBHOOK_ALLOWLISTS_CHANGED)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).indefinitely()
                .subscribe().with(provider -> reload().subscribe().with(v -> { }, e -> { }));
        ticker = Multi.createFrom().ticks().startingAfter(RELOAD_EVERY).every(RELOAD_EVERY)
                .onOverflow().drop()
                .emitOn(Infrastructure.getDefaultExecutor())
                .onItem().transformToUniAndConcatenate(tick -> reload().onFailure().recoverWithNull())
                .subscribe().with(v -> { });
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscription != null) {
            subscription.cancel();
        }
        if (ticker != null) {
            ticker.cancel();
        }
    }

    public Uni<Void> reload() {
        return deadlines.redis(redis.hash(String.class).hgetall(SharedNames.WEBHOOK_ALLOWLISTS)).invoke(this::replace).replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("webhook allowlists not reloaded: %s", e.toString()));
    }

    private void replace(Map<String, String> raw) {
        Map<String, IpRanges> fresh = new HashMap<>();
        raw.forEach((provider, text) -> {
            try {
                List<String> entries = json.readValue(text, new TypeReference<List<String>>() { });
                fresh.put(provider, IpRanges.parse(entries));
            } catch (Exception e) {
                // webhook-service validates before publishing; a bad entry here is not ours to guess at
                LOG.errorf("allowlist of %s in Redis is unreadable, keeping the last good one: %s", provider, e.getMessage());
                IpRanges previous = byProvider.get(provider);
                if (previous != null) {
                    fresh.put(provider, previous);
                }
            }
        });
        byProvider.keySet().retainAll(fresh.keySet());
        byProvider.putAll(fresh);
    }

    /** The guide's table: no allowlist or [] admits everyone; otherwise only addresses inside it. */
    public boolean admits(String provider, IPAddress client) {
        IpRanges ranges = byProvider.get(provider);
        return ranges == null || ranges.isEmpty() || ranges.contains(client);
    }

    /** True only when the provider has a non-empty allowlist and the client is inside it. */
    public boolean admitsListed(String provider, IPAddress client) {
        IpRanges ranges = byProvider.get(provider);
        return ranges != null && !ranges.isEmpty() && ranges.contains(client);
    }
}
