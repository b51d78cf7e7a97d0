package io.tuneops.webhook.service;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tuneops.support.SharedNames;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.client.OutboundProxies;
import io.tuneops.webhook.config.OutboundConfig;
import io.tuneops.webhook.config.WebhookSecretsConfig;
import io.tuneops.webhook.crypto.SecretBox;
import io.tuneops.webhook.repository.ProviderConfigRepository;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provider configuration: a validated partial merge, recorded in the audit trail, with the part
 * the gateway enforces (the webhook allowlist) published to Redis for every gateway replica.
 * Database row, audit event and published allowlist change together or not at all: the last two
 * happen inside the transaction, so a Redis failure rolls the change back.
 */
@ApplicationScoped
public class ProviderConfigService {

    /** The wire names of {@link Provider}, for callers that iterate names (the internal figures). */
    public static final List<String> PROVIDERS = Provider.wireNames();
    private static final Logger LOG = Logger.getLogger(ProviderConfigService.class);

    private final ProviderConfigRepository repository;
    private final AuditAppender audit;
    private final ReactiveRedisDataSource redis;
    private final SecretBox secrets;
    private final OutboundConfig outbound;
    private final OutboundProxies proxies;
    private final WebhookSecretsConfig webhookSecrets;
    /** Effective settings per provider, read on every webhook: cached, dropped on every announced change. */
    private final Map<Provider, Uni<ProviderSettings>> settingsCache = new ConcurrentHashMap<>();
    private Cancellable announcements;

    private final StoreDeadlines deadlines;

    public ProviderConfigService(ProviderConfigRepository repository, AuditAppender audit, ReactiveRedisDataSource redis,
                                 SecretBox secrets, OutboundConfig outbound, OutboundProxies proxies,
                                 WebhookSecretsConfig webhookSecrets, StoreDeadlines deadlines) {
        this.proxies = proxies;
        this.deadlines = deadlines;
        this.repository = repository;
        this.audit = audit;
        this.redis = redis;
        this.secrets = secrets;
        this.outbound = outbound;
        this.webhookSecrets = webhookSecrets;
    }

    /** Which providers have a deployment-provided signing secret: the names, never the values. */
    void reportConfiguredSecrets(@Observes StartupEvent event) {
        List<String> configured = Arrays.stream(Provider.values()).filter(this::hasConfiguredWebhookSecret)
                .map(Provider::wire).toList();
        if (!configured.isEmpty()) {
            LOG.infof("default webhook signing secret configured for %s (a webhook_secret set through the API overrides it)",
                    String.join(", ", configured));
        }
    }

    /** Whether the deployment provides {@code provider}'s signing secret (tuneops.webhooks.secrets.*). */
    public boolean hasConfiguredWebhookSecret(Provider provider) {
        return webhookSecrets.of(provider.wire()).isPresent();
    }

    /** A change made on another replica reaches this one through the channel the gateways listen on. */
    void listen(@Observes StartupEvent event) {
        announcements = redis.pubsub(String.class).subscribe(SharedNames.WEBHOOK_ALLOWLISTS_CHANGED)
                .subscribe().with(name -> Provider.fromWire(name).ifPresent(settingsCache::remove),
                        e -> LOG.warnf("provider change announcements lost: %s", e.toString()));
    }

    void stopListening(@Observes ShutdownEvent event) {
        if (announcements != null) {
            announcements.cancel();
        }
    }

    /**
     * The provider's effective settings. Cached for at most 5 s, so even a lost announcement is
     * corrected quickly; a failed read is not cached.
     */
    public Uni<ProviderSettings> settings(Provider provider) {
        return settingsCache.computeIfAbsent(provider, p -> load(p).memoize().atLeast(Duration.ofSeconds(5)))
                .onFailure().invoke(() -> settingsCache.remove(provider));
    }

    /** For callers holding a wire name from {@link #PROVIDERS}. */
    public Uni<ProviderSettings> settings(String provider) {
        return settings(Provider.of(provider));
    }

    private Uni<ProviderSettings> load(Provider provider) {
        return Uni.combine().all().unis(repository.find(provider), repository.secrets(provider)).asTuple().map(t -> {
            JsonObject config = t.getItem1().orElse(new JsonObject());
            Map<String, byte[]> sealed = t.getItem2();
            Optional<String> webhookSecret = Optional.ofNullable(sealed.get("webhook_secret"))
                    .map(box -> secrets.open(box, secretContext(provider, "webhook_secret")))
                    // the API's secret is the operator's latest word; the deployment's is the default,
                    // and only without either is Replicate's own secret fetched (WebhookIngestion)
                    .or(() -> webhookSecrets.of(provider.wire()));
            Optional<String> apiToken = Optional.ofNullable(sealed.get("api_token"))
                    .map(box -> secrets.open(box, secretContext(provider, "api_token")))
                    .or(() -> provider == Provider.REPLICATE ? outbound.replicateApiToken() : Optional.empty());
            String baseUrl = config.getString("api_base_url", provider == Provider.REPLICATE ? outbound.replicateApiBaseUrl() : "");
            Optional<String> proxy = Optional.ofNullable(config.getString("proxy_url"))
                    .or(() -> proxies.proxyUrl(baseUrl));
            Optional<String> ca = Optional.ofNullable(config.getString("ssl_ca_bundle")).or(outbound::caBundle);
            boolean verify = config.getBoolean("ssl_verify", outbound.sslVerify());
            double timeout = config.getDouble("http_timeout", outbound.httpTimeout());
            return new ProviderSettings(provider, config, webhookSecret, apiToken, baseUrl, proxy, ca, verify, timeout);
        });
    }

    static String secretContext(Provider provider, String name) {
        return "provider:" + provider.wire() + ":" + name;
    }

    public Uni<Map<Provider, Set<String>>> secretNames() {
        return repository.secretNames();
    }

    /** Redis may have been emptied since the last change: publish every stored allowlist again. */
    void republish(@Observes StartupEvent event) {
        repository.all()
                .onItem().transformToUni(all -> {
                    List<Uni<Void>> writes = new ArrayList<>();
                    all.forEach((provider, config) -> writes.add(publish(provider, config, deadlines.redisTimeout())));
                    return writes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(writes).andFailFast().replaceWithVoid();
                })
                .subscribe().with(v -> LOG.debug("webhook allowlists republished"),
                        e -> LOG.warnf("webhook allowlists not republished: %s", e.toString()));
    }

    public Uni<Optional<JsonObject>> get(Provider provider) {
        return repository.find(provider);
    }

    public Uni<Map<Provider, JsonObject>> all() {
        return repository.all();
    }

    /** Applies a validated change; the audit event names the fields changed, never a secret's value. */
    public Uni<JsonObject> update(Provider provider, JsonObject accepted, String actor, String clientIp) {
        WebhookAuditDetails.ProviderConfigured details = new WebhookAuditDetails.ProviderConfigured(new ArrayList<>(accepted.fieldNames()),
                accepted.containsKey("webhook_allowed_ips")
                        ? accepted.getJsonArray("webhook_allowed_ips").stream().map(String.class::cast).toList() : null);
        JsonObject plain = accepted.copy();
        Map<String, byte[]> sealed = new LinkedHashMap<>();
        for (String field : ProviderConfigValidator.SECRET_FIELDS) {
            if (plain.containsKey(field)) {
                Object value = plain.remove(field);
                sealed.put(field, value == null ? null : secrets.seal((String) value, secretContext(provider, field)));
            }
        }
        AuditEvent event = AuditEvent.of("provider.configured", actor, clientIp, "provider", provider.wire(), "update",
                details);
        // the audit event and the allowlist's Redis copy are written last, just before the COMMIT, each
        // within the time left (see StoreDeadlines): a change not committed leaves neither
        return repository.transaction(tx -> {
                    Uni<Void> secretWrites = Uni.createFrom().voidItem();
                    for (Map.Entry<String, byte[]> secret : sealed.entrySet()) {
                        secretWrites = secretWrites.call(() -> repository.putSecret(tx, provider, secret.getKey(), secret.getValue()));
                    }
                    return secretWrites.chain(() -> repository.merge(tx, provider, plain, actor));
                }, (merged, left) -> audit.append(event, left).chain(() -> publish(provider, merged, left)))
                .invoke(() -> settingsCache.remove(provider))
                .call(merged -> deadlines.redis(redis.pubsub(String.class).publish(SharedNames.WEBHOOK_ALLOWLISTS_CHANGED, provider.wire()))
                        .onFailure().invoke(e -> LOG.warnf("allowlist change of %s not announced (gateways reload within 5 s): %s",
                                provider, e.toString()))
                        .onFailure().recoverWithNull());
    }

    private Uni<Void> publish(Provider provider, JsonObject config, Duration within) {
        JsonArray allowlist = config.getJsonArray("webhook_allowed_ips", new JsonArray());
        return deadlines.redis(redis.hash(String.class).hset(SharedNames.WEBHOOK_ALLOWLISTS, provider.wire(), allowlist.encode()),
                within).replaceWithVoid();
    }
}
