package io.tuneops.webhook.client;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.FailureWords;
import io.tuneops.webhook.service.Provider;
import io.tuneops.webhook.service.ProviderSettings;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.ClientRequestFilter;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls to Replicate with the provider's effective network settings (proxy, CA bundle, ssl_verify,
 * timeout) and fault tolerance: every call through the provider's circuit breaker and a timeout;
 * only idempotent calls are retried (creating a training is not: a retry could start two).
 */
@ApplicationScoped
public class ReplicateClient {

    public static final List<String> WEBHOOK_EVENTS = List.of("start", "output", "logs", "completed");
    private static final Logger LOG = Logger.getLogger(ReplicateClient.class);
    private static final TypeLiteral<Uni<ReplicateApi.Training>> TRAINING = new TypeLiteral<>() {
    };
    private static final TypeLiteral<Uni<ReplicateApi.Account>> ACCOUNT = new TypeLiteral<>() {
    };
    private static final TypeLiteral<Uni<ReplicateApi.WebhookSigningSecret>> SECRET = new TypeLiteral<>() {
    };

    /** A built client and its timeout guard, valid for one combination of network settings. */
    private record Connection(ConnectionKey key, ReplicateApi api, Guard timeout) {
    }

    private record ConnectionKey(String baseUrl, String token, String proxy, String caBundle, boolean sslVerify,
                                 double timeout) {
        @Override
        public String toString() {
            return "ConnectionKey[" + baseUrl + "]";
        }
    }

    private final Map<Provider, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Uni<String>> webhookSecrets = new ConcurrentHashMap<>();
    private final Map<String, Long> secretRefreshes = new ConcurrentHashMap<>();
    private final CircuitBreakers breakers;

    public ReplicateClient(CircuitBreakers breakers) {
        this.breakers = breakers;
    }

    public Uni<ReplicateApi.Training> createTraining(ProviderSettings settings, String version, String destination,
                                                     JsonObject input, String webhookUrl) {
        VersionRef ref = VersionRef.parse(version);
        ReplicateApi.CreateTraining body = new ReplicateApi.CreateTraining(destination, input, webhookUrl, WEBHOOK_EVENTS);
        return call(settings, false, TRAINING, api -> api.createTraining(ref.owner(), ref.name(), ref.version(), body));
    }

    public Uni<ReplicateApi.Training> getTraining(ProviderSettings settings, String id) {
        return call(settings, true, TRAINING, api -> api.getTraining(id));
    }

    /** Cancelling twice has the effect of cancelling once, so it is retried. */
    public Uni<ReplicateApi.Training> cancelTraining(ProviderSettings settings, String id) {
        return call(settings, true, TRAINING, api -> api.cancelTraining(id));
    }

    public Uni<ReplicateApi.Account> account(ProviderSettings settings) {
        return call(settings, true, ACCOUNT, ReplicateApi::account);
    }

    /** The account's webhook signing secret, fetched once per token and kept for an hour. */
    public Uni<String> webhookSecret(ProviderSettings settings) {
        String cacheKey = secretCacheKey(settings);
        return webhookSecrets.computeIfAbsent(cacheKey, k -> call(settings, true, SECRET, ReplicateApi::webhookSecret)
                        .map(ReplicateApi.WebhookSigningSecret::key)
                        .memoize().atLeast(Duration.ofHours(1)))
                .onFailure().invoke(() -> webhookSecrets.remove(cacheKey));
    }

    /**
     * Drops the cached signing secret after a signature that did not verify with it (the secret may
     * have been rotated), at most once a minute: forged deliveries must not turn into a stream of
     * calls to Replicate that could trip its circuit breaker. Returns whether it was dropped.
     */
    public boolean forgetWebhookSecret(ProviderSettings settings) {
        String cacheKey = secretCacheKey(settings);
        long now = System.nanoTime();
        Long last = secretRefreshes.get(cacheKey);
        if (last != null && now - last < Duration.ofMinutes(1).toNanos()) {
            return false;
        }
        secretRefreshes.put(cacheKey, now);
        webhookSecrets.remove(cacheKey);
        return true;
    }

    private static String secretCacheKey(ProviderSettings settings) {
        return settings.provider().wire() + ":" + Objects.hashCode(settings.apiToken().orElse(""));
    }

    private <T> Uni<T> call(ProviderSettings settings, boolean idempotent, TypeLiteral<Uni<T>> type,
                            Function<ReplicateApi, Uni<T>> request) {
        Connection connection;
        try {
            connection = connection(settings);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(new ProviderCallException(0, e.getMessage(), e));
        }
        CircuitBreakers.Guards guards = breakers.guards(settings.provider().wire());
        Supplier<Uni<T>> once = () -> guards.breaker().get(
                () -> connection.timeout().get(() -> request.apply(connection.api())
                        .onFailure().transform(ReplicateClient::describe), type), type);
        return idempotent ? guards.retry().get(once, type) : once.get();
    }

    private static Throwable describe(Throwable e) {
        if (e instanceof ProviderCallException) {
            return e;
        }
        if (e instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            String detail = "";
            try {
                // Replicate's errors are problem+json; only its title/detail are kept, never the raw
                // body, which could echo the training input back
                JsonObject problem = new JsonObject(
                        w.getResponse().hasEntity() ? w.getResponse().readEntity(String.class) : "{}");
                detail = problem.getValue("detail") instanceof String d ? d
                        : problem.getValue("title") instanceof String t ? t : "";
            } catch (RuntimeException ignored) {
                // not JSON: the status alone says enough
            }
            return new ProviderCallException(status, "Replicate answered HTTP " + status
                    + (detail.isBlank() ? "" : ": " + abbreviate(detail)), e);
        }
        return new ProviderCallException(0, "Replicate unreachable: " + FailureWords.of(e), e);
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    private Connection connection(ProviderSettings s) {
        String token = s.apiToken().orElseThrow(() -> new IllegalStateException(
                "no API token: set api_token in the provider configuration or REPLICATE_API_TOKEN"));
        ConnectionKey key = new ConnectionKey(s.apiBaseUrl(), token, s.proxyUrl().orElse(null), s.caBundle().orElse(null),
                s.sslVerify(), s.httpTimeoutSeconds());
        // one client per provider and settings; a replaced client is not closed here because calls
        // already running may still use it (settings change rarely; its pool idles out)
        return connections.compute(s.provider(), (provider, current) ->
                current != null && current.key().equals(key) ? current : build(key));
    }

    private static Connection build(ConnectionKey key) {
        long timeoutMs = Math.round(key.timeout() * 1000);
        ClientRequestFilter auth = request -> request.getHeaders().putSingle("Authorization", "Bearer " + key.token());
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(key.baseUrl()))
                .connectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .register(auth);
        if (key.proxy() != null) {
            OutboundProxies.ProxyAddress proxy = OutboundProxies.ProxyAddress.parse(key.proxy());
            builder.proxyAddress(proxy.host(), proxy.port());
            proxy.user().ifPresent(user -> {
                builder.proxyUser(user);
                builder.proxyPassword(proxy.password());
            });
        }
        if (!key.sslVerify()) {
            LOG.warnf("TLS certificate verification is OFF for %s (ssl_verify=false)", key.baseUrl());
            builder.trustAll(true).verifyHost(false);
        } else if (key.caBundle() != null) {
            builder.trustStore(trustStore(key.caBundle()));
        }
        ReplicateApi api = builder.build(ReplicateApi.class);
        Guard timeout = Guard.create().withTimeout().duration(timeoutMs + 1000, ChronoUnit.MILLIS).done().build();
        return new Connection(key, api, timeout);
    }

    /** The PEM bundle's certificates, trusted instead of the JDK's defaults. */
    static KeyStore trustStore(String caBundle) {
        try (InputStream in = Files.newInputStream(Path.of(caBundle))) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IllegalStateException("CA bundle " + caBundle + " holds no certificate");
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("CA bundle " + caBundle + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@code owner/name:version}, the form Replicate shows for a model version. */
    record VersionRef(String owner, String name, String version) {
        private static final Pattern FORM = Pattern.compile("([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+):([A-Za-z0-9]+)");

        static VersionRef parse(String ref) {
            Matcher m = FORM.matcher(ref == null ? "" : ref);
            if (!m.matches()) {
                throw new IllegalArgumentException("version must look like owner/model:version_id");
            }
            return new VersionRef(m.group(1), m.group(2), m.group(3));
        }
    }
}
