package io.tuneops.webhook.service;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.audit.AuditLog;
import io.tuneops.webhook.client.ReplicateClient;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.repository.JobRepository;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Webhook intake: Standard Webhooks signature over the raw body, then exactly-once application of
 * the snapshot. The delivery id is recorded in the transaction that changes the job, so a
 * redelivery (the provider retries until it sees a 2xx) changes nothing, and the 2xx is sent only
 * after the commit.
 */
@ApplicationScoped
public class WebhookIngestion {

    private static final Logger LOG = Logger.getLogger(WebhookIngestion.class);

    /** HTTP status and JSON body of the answer. */
    public record Outcome(int status, Map<String, Object> body) {
        static Outcome of(int status, String key, Object value) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(key, value);
            return new Outcome(status, body);
        }
    }

    private final ProviderConfigService providers;
    private final ReplicateClient replicate;
    private final JobRepository jobs;
    private final JobWriter writer;
    private final AuditLog audit;
    private final JobsConfig config;

    public WebhookIngestion(ProviderConfigService providers, ReplicateClient replicate, JobRepository jobs,
                            JobWriter writer, AuditLog audit, JobsConfig config) {
        this.providers = providers;
        this.replicate = replicate;
        this.jobs = jobs;
        this.writer = writer;
        this.audit = audit;
        this.config = config;
    }

    public Uni<Outcome> ingest(String provider, Map<String, List<String>> headers, byte[] raw, String clientIp, String path) {
        // the library verifies a String; strict UTF-8 decoding makes that String re-encode to exactly these bytes
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return Uni.createFrom().item(Outcome.of(400, "detail", "Webhook body is not UTF-8 JSON"));
        }
        if (body.contains("\\u0000")) {
            // PostgreSQL text and jsonb cannot hold NUL: refused here rather than failing (and being retried) forever
            return Uni.createFrom().item(Outcome.of(400, "detail", "Webhook body contains NUL characters"));
        }
        return providers.settings(provider)
                .chain(settings -> verify(settings, headers, body).chain(problem -> {
                    if (problem.isPresent()) {
                        return reject(provider, clientIp, path, problem.get());
                    }
                    return apply(settings, deliveryId(headers, raw), body);
                }));
    }

    /** Empty when the delivery is authentic (or the provider explicitly turned signatures off). */
    private Uni<Optional<String>> verify(ProviderSettings settings, Map<String, List<String>> headers, String body) {
        if (!settings.requireSignature()) {
            return Uni.createFrom().item(Optional.empty());
        }
        if (first(headers, "webhook-id") == null || first(headers, "webhook-timestamp") == null
                || first(headers, "webhook-signature") == null) {
            return Uni.createFrom().item(Optional.of("missing webhook-id, webhook-timestamp or webhook-signature header"));
        }
        if (settings.webhookSecret().isPresent()) {
            return Uni.createFrom().item(check(settings.webhookSecret().get(), headers, body));
        }
        if ("replicate".equals(settings.provider())) {
            // Replicate signs with the account's default secret; a signature (not a timestamp) that
            // fails may mean it was rotated, and the secret is fetched again (rate-limited)
            return replicate.webhookSecret(settings).map(secret -> check(secret, headers, body))
                    .chain(problem -> problem.isEmpty() || !problem.get().contains("No matching signature")
                            || !replicate.forgetWebhookSecret(settings) ? Uni.createFrom().item(problem)
                            : replicate.webhookSecret(settings).map(secret -> check(secret, headers, body)));
        }
        return Uni.createFrom().item(Optional.of("no webhook_secret configured for provider " + settings.provider()));
    }

    /** Standard Webhooks verification: several space-separated v1 signatures, 5 minutes of tolerance either way. */
    static Optional<String> check(String secret, Map<String, List<String>> headers, String body) {
        try {
            new Webhook(secret).verify(body, headers);
            return Optional.empty();
        } catch (WebhookVerificationException e) {
            return Optional.of("signature rejected: " + e.getMessage());
        } catch (RuntimeException | com.standardwebhooks.exceptions.EmptyWebhookSecretException e) {
            return Optional.of("signing secret unusable");
        }
    }

    private Uni<Outcome> reject(String provider, String clientIp, String path, String reason) {
        LOG.warnf("webhook for %s from %s rejected: %s", provider, clientIp, reason);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("provider", provider);
        details.put("path", path);
        details.put("client_ip", clientIp);
        details.put("reason", reason);
        return audit.append(AuditEvent.of("webhook_rejected", "webhook:" + provider, clientIp, "webhook", provider,
                        "reject", details))
                .onFailure().invoke(e -> LOG.errorf("webhook_rejected event not appended: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWith(Outcome.of(401, "detail", "Invalid webhook signature"));
    }

    private Uni<Outcome> apply(ProviderSettings settings, String deliveryId, String body) {
        Snapshot snapshot;
        try {
            snapshot = Snapshot.parse(new JsonObject(body));
        } catch (DecodeException | ClassCastException e) {
            return Uni.createFrom().item(Outcome.of(400, "detail", "Webhook body is not a JSON object"));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Outcome.of(400, "detail", "Invalid job snapshot: " + e.getMessage()));
        }
        String provider = settings.provider();
        return jobs.pool().withTransaction(tx -> jobs.lockByProviderJob(tx, provider, snapshot.id()).chain(found -> {
            if (found.isEmpty()) {
                return jobs.recordDelivery(tx, provider, deliveryId, null, "unknown_job").chain(recorded -> recorded
                        ? audit.append(AuditEvent.of("webhook.ignored", "webhook:" + provider, null, "webhook", provider,
                                "ignore", Map.of("reason", "unknown job", "provider_job_id", snapshot.id(), "webhook_id", deliveryId)))
                        .replaceWith(Outcome.of(202, "status", "ignored"))
                        : Uni.createFrom().item(Outcome.of(200, "status", "duplicate")));
            }
            var job = found.get();
            var next = JobTransitions.apply(job, snapshot, settings, config.logsTail());
            return jobs.recordDelivery(tx, provider, deliveryId, job.jobId(), next.isPresent() ? "applied" : "stale")
                    .chain(recorded -> {
                        if (!recorded) {
                            return Uni.createFrom().item(Outcome.of(200, "status", "duplicate"));
                        }
                        if (next.isEmpty()) {
                            return Uni.createFrom().item(applied("stale", job.jobId(), job.status()));
                        }
                        return writer.save(tx, next.get())
                                .map(updated -> applied("applied", updated.jobId(), updated.status()));
                    });
        }));
    }

    private static Outcome applied(String status, String jobId, String jobStatus) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("job_id", jobId);
        body.put("job_status", jobStatus);
        return new Outcome(200, body);
    }

    /** The webhook-id; without one (signatures off and a sender that sets none) the body's digest stands in. */
    static String deliveryId(Map<String, List<String>> headers, byte[] raw) {
        String id = first(headers, "webhook-id");
        if (id != null && !id.isBlank() && id.length() <= 200) {
            return id;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                return h.getValue().get(0);
            }
        }
        return null;
    }
}
