package io.tuneops.webhook.service;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.client.ReplicateClient;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.repository.JobRow;
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

    /**
     * What to answer a delivery: {@code detail} says why it was refused; {@code jobId} and
     * {@code jobStatus} are the job an applied or stale delivery concerned.
     */
    public record Outcome(DeliveryOutcome result, String detail, String jobId, JobStatus jobStatus) {

        static Outcome refused(DeliveryOutcome result, String detail) {
            return new Outcome(result, detail, null, null);
        }

        static Outcome acknowledged(DeliveryOutcome result) {
            return new Outcome(result, null, null, null);
        }

        static Outcome concerning(DeliveryOutcome result, JobRow job) {
            return new Outcome(result, null, job.jobId(), job.status());
        }

        /** Any 2xx stops the provider's retries: 202 marks a delivery kept but applied to nothing. */
        public int httpStatus() {
            return switch (result) {
                case APPLIED, STALE, DUPLICATE -> 200;
                case IGNORED -> 202;
                case INVALID -> 400;
                case REJECTED_SIGNATURE -> 401;
                case UNKNOWN_PROVIDER -> 404;
                case ERROR -> 503;
            };
        }
    }

    private final ProviderConfigService providers;
    private final ReplicateClient replicate;
    private final JobRepository jobs;
    private final JobWriter writer;
    private final AuditAppender audit;
    private final JobsConfig config;

    public WebhookIngestion(ProviderConfigService providers, ReplicateClient replicate, JobRepository jobs,
                            JobWriter writer, AuditAppender audit, JobsConfig config) {
        this.providers = providers;
        this.replicate = replicate;
        this.jobs = jobs;
        this.writer = writer;
        this.audit = audit;
        this.config = config;
    }

    public Uni<Outcome> ingest(Provider provider, Map<String, List<String>> headers, byte[] raw, String clientIp, String path) {
        // the library verifies a String; strict UTF-8 decoding makes that String re-encode to exactly these bytes
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return Uni.createFrom().item(Outcome.refused(DeliveryOutcome.INVALID, "Webhook body is not UTF-8 JSON"));
        }
        if (body.contains("\\u0000")) {
            // PostgreSQL text and jsonb cannot hold NUL: storing it would fail, and the provider would retry forever
            return Uni.createFrom().item(Outcome.refused(DeliveryOutcome.INVALID, "Webhook body contains NUL characters"));
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
        if (settings.provider() == Provider.REPLICATE) {
            // Replicate signs with the account's default secret; a signature (not a timestamp) that
            // fails may mean it was rotated, and the secret is fetched again (rate-limited)
            return replicate.webhookSecret(settings).map(secret -> check(secret, headers, body))
                    .chain(problem -> problem.isEmpty() || !problem.get().contains("No matching signature")
                            || !replicate.forgetWebhookSecret(settings) ? Uni.createFrom().item(problem)
                            : replicate.webhookSecret(settings).map(secret -> check(secret, headers, body)));
        }
        return Uni.createFrom().item(Optional.of("no webhook_secret configured for provider " + settings.provider().wire()));
    }

    /** Standard Webhooks verification: several space-separated v1 signatures, 5 minutes of tolerance either way. */
    static Optional<String> check(String secret, Map<String, List<String>> headers, String body) {
        try {
            new Webhook(secret).verify(body, headers);
            return Optional.empty();
        } catch (WebhookVerificationException e) {
            return Optional.of("signature rejected: " + e.getMessage());
        } catch (RuntimeException | EmptyWebhookSecretException e) {
            return Optional.of("signing secret unusable");
        }
    }

    private Uni<Outcome> reject(Provider provider, String clientIp, String path, String reason) {
        LOG.warnf("webhook for %s from %s rejected: %s", provider.wire(), clientIp, reason);
        return audit.append(AuditEvent.of("webhook_rejected", "webhook:" + provider.wire(), clientIp, "webhook", provider.wire(),
                        "reject", new WebhookAuditDetails.WebhookRejected(provider, path, clientIp, reason)))
                .onFailure().invoke(e -> LOG.errorf("webhook_rejected event not appended: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWith(Outcome.refused(DeliveryOutcome.REJECTED_SIGNATURE, "Invalid webhook signature"));
    }

    private Uni<Outcome> apply(ProviderSettings settings, String deliveryId, String body) {
        Snapshot snapshot;
        try {
            snapshot = Snapshot.parse(new JsonObject(body));
        } catch (DecodeException | ClassCastException e) {
            return Uni.createFrom().item(Outcome.refused(DeliveryOutcome.INVALID, "Webhook body is not a JSON object"));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Outcome.refused(DeliveryOutcome.INVALID, "Invalid job snapshot: " + e.getMessage()));
        }
        Provider provider = settings.provider();
        return jobs.pool().withTransaction(tx -> jobs.lockByProviderJob(tx, provider, snapshot.id()).chain(found -> {
            if (found.isEmpty()) {
                return jobs.recordDelivery(tx, provider, deliveryId, null, "unknown_job").chain(recorded -> recorded
                        ? audit.append(AuditEvent.of("webhook.ignored", "webhook:" + provider.wire(), null, "webhook",
                                provider.wire(), "ignore",
                                new WebhookAuditDetails.WebhookIgnored("unknown job", snapshot.id(), deliveryId)))
                        .replaceWith(Outcome.acknowledged(DeliveryOutcome.IGNORED))
                        : Uni.createFrom().item(Outcome.acknowledged(DeliveryOutcome.DUPLICATE)));
            }
            JobRow job = found.get();
            Optional<JobRow> next = JobTransitions.apply(job, snapshot, settings, config.logsTail());
            return jobs.recordDelivery(tx, provider, deliveryId, job.jobId(), next.isPresent() ? "applied" : "stale")
                    .chain(recorded -> {
                        if (!recorded) {
                            return Uni.createFrom().item(Outcome.acknowledged(DeliveryOutcome.DUPLICATE));
                        }
                        if (next.isEmpty()) {
                            return Uni.createFrom().item(Outcome.concerning(DeliveryOutcome.STALE, job));
                        }
                        return writer.save(tx, next.get())
                                .map(updated -> Outcome.concerning(DeliveryOutcome.APPLIED, updated));
                    });
        }));
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
