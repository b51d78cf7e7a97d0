package io.tuneops.webhook.service;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.audit.AuditEvent;
import io.tuneops.webhook.audit.AuditLog;
import io.tuneops.webhook.repository.ProviderConfigRepository;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Provider configuration: a validated partial merge, recorded in the audit trail, with the part
 * the gateway enforces (the webhook allowlist) published to Redis for every gateway replica.
 * Database row, audit event and published allowlist change together or not at all: the last two
 * happen inside the transaction, so a Redis failure rolls the change back.
 */
@ApplicationScoped
public class ProviderConfigService {

    /** The providers tuneops can drive. */
    public static final List<String> PROVIDERS = List.of("replicate");
    public static final String ALLOWLISTS = "tuneops:webhook:allowlists";
    public static final String ALLOWLISTS_CHANGED = "tuneops:webhook:allowlists:changed";
    private static final Logger LOG = Logger.getLogger(ProviderConfigService.class);

    private final ProviderConfigRepository repository;
    private final AuditLog audit;
    private final ReactiveRedisDataSource redis;

    public ProviderConfigService(ProviderConfigRepository repository, AuditLog audit, ReactiveRedisDataSource redis) {
        this.repository = repository;
        this.audit = audit;
        this.redis = redis;
    }

    /** Redis may have been emptied since the last change: publish every stored allowlist again. */
    void republish(@Observes StartupEvent event) {
        repository.all()
                .onItem().transformToUni(all -> {
                    List<Uni<Void>> writes = new ArrayList<>();
                    all.forEach((provider, config) -> writes.add(publish(provider, config)));
                    return writes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(writes).andFailFast().replaceWithVoid();
                })
                .subscribe().with(v -> LOG.debug("webhook allowlists republished"),
                        e -> LOG.warnf("webhook allowlists not republished: %s", e.toString()));
    }

    public Uni<Optional<JsonObject>> get(String provider) {
        return repository.find(provider);
    }

    public Uni<Map<String, JsonObject>> all() {
        return repository.all();
    }

    public Uni<JsonObject> update(String provider, JsonObject accepted, String actor, String clientIp) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("fields", new ArrayList<>(accepted.fieldNames()));
        if (accepted.containsKey("webhook_allowed_ips")) {
            details.put("webhook_allowed_ips", accepted.getJsonArray("webhook_allowed_ips").getList());
        }
        AuditEvent event = AuditEvent.of("provider.configured", actor, clientIp, "provider", provider, "update", details);
        return repository.pool().withTransaction(tx -> repository.merge(tx, provider, accepted, actor)
                        .call(merged -> audit.append(event))
                        .call(merged -> publish(provider, merged)))
                .call(merged -> redis.pubsub(String.class).publish(ALLOWLISTS_CHANGED, provider)
                        .onFailure().invoke(e -> LOG.warnf("allowlist change of %s not announced (gateways reload within 5 s): %s",
                                provider, e.toString()))
                        .onFailure().recoverWithNull());
    }

    private Uni<Void> publish(String provider, JsonObject config) {
        JsonArray allowlist = config.getJsonArray("webhook_allowed_ips", new JsonArray());
        return redis.hash(String.class).hset(ALLOWLISTS, provider, allowlist.encode()).replaceWithVoid();
    }
}
