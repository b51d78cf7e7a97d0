package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.client.ReplicateClient;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.repository.JobRow;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
    public record Outcome(DeliveryOutcome result, int httpStatus, String detail, String jobId, JobStatus jobStatus) {

        static Outcome refused(DeliveryOutcome result, String detail) {
            return new Outcome(result, status(result), detail, null, null);
        }

        /** A body over a size limit: malformed as far as the metrics go, but answered 413. */
        static Outcome tooLarge(String detail) {
            return new Outcome(DeliveryOutcome.INVALID, 413, detail, null, null);
        }

        static Outcome acknowledged(DeliveryOutcome result) {
            return new Outcome(result, status(result), null, null, null);
        }

        static Outcome concerning(DeliveryOutcome result, JobRow job) {
            return new Outcome(result, status(result), null, job.jobId(), job.status());
        }

        /** Any 2xx stops the provider's retries: 202 marks a delivery kept but applied to nothing. */
        private static int status(DeliveryOutcome result) {
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

    /** What a delivery's headers and its provider's settings decide before its body is read. */
    public sealed interface Intake {
    }

    /** Refused on its headers alone: nothing of the body is read. */
    public record Refused(Outcome outcome) implements Intake {
    }

    /**
     * To be read. {@code signature} is null when the provider does not require signatures;
     * {@code secretFromProvider} when the secret is the one fetched from Replicate, which may have
     * been rotated since; {@code deliveryId} is null without a usable webhook-id (the body's digest
     * stands in).
     */
    public record Accepting(ProviderSettings settings, WebhookSignature signature, boolean secretFromProvider,
                            String deliveryId, String clientIp, String path) implements Intake {
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

    /**
     * Looks at the headers with the provider's settings: a delivery that cannot be authentic is
     * refused (and audited) before a byte of its body is read; otherwise the HMAC starts.
     */
    public Uni<Intake> open(Provider provider, Map<String, List<String>> headers, String clientIp, String path) {
        String id = first(headers, "webhook-id");
        String deliveryId = id != null && !id.isBlank() && id.length() <= 200 ? id : null;
        return providers.settings(provider).chain(settings -> {
            if (!settings.requireSignature()) {
                return Uni.createFrom().item(new Accepting(settings, null, false, deliveryId, clientIp, path));
            }
            String timestamp = first(headers, "webhook-timestamp");
            String signatures = first(headers, "webhook-signature");
            if (id == null || timestamp == null || signatures == null) {
                return refuse(provider, clientIp, path, "missing webhook-id, webhook-timestamp or webhook-signature header");
            }
            boolean fromProvider = settings.webhookSecret().isEmpty() && settings.provider() == Provider.REPLICATE;
            // Replicate signs with the account's default secret, fetched with the API token
            Uni<Optional<String>> secret = fromProvider ? replicate.webhookSecret(settings).map(Optional::of)
                    : Uni.createFrom().item(settings.webhookSecret());
            return secret.chain(s -> {
                if (s.isEmpty()) {
                    return refuse(provider, clientIp, path, "no webhook_secret configured for provider " + provider.wire());
                }
                try {
                    WebhookSignature signature = WebhookSignature.begin(s.get(), id, timestamp, signatures, Instant.now());
                    return Uni.createFrom().item(new Accepting(settings, signature, fromProvider, deliveryId, clientIp, path));
                } catch (WebhookSignature.Rejected e) {
                    return refuse(provider, clientIp, path, "signature rejected: " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    return refuse(provider, clientIp, path, "signing secret unusable");
                }
            });
        });
    }

    private Uni<Intake> refuse(Provider provider, String clientIp, String path, String reason) {
        return reject(provider, clientIp, path, reason).map(Refused::new);
    }

    /**
     * Blocking, so on a worker thread: reads the body to its end with bounded memory, then checks
     * the signature and applies the snapshot (a 2xx only after the commit).
     */
    public Uni<Outcome> receive(Intake opened, InputStream body) {
        if (opened instanceof Refused refused) {
            return Uni.createFrom().item(refused.outcome());
        }
        Accepting intake = (Accepting) opened;
        DeliveryReader.Result result;
        try {
            result = new DeliveryReader(config.maxWebhookBody().asLongValue(), (int) Math.min(Integer.MAX_VALUE - 8, config.maxWebhookFields().asLongValue()),
                    config.logsTail()).read(body, intake.signature(), intake.deliveryId() == null);
        } catch (IOException e) {
            return Uni.createFrom().failure(e);
        }
        Provider provider = intake.settings().provider();
        if (result instanceof DeliveryReader.TooLarge tooLarge) {
            return Uni.createFrom().item(Outcome.tooLarge(tooLarge.detail()));
        }
        DeliveryReader.Read read = (DeliveryReader.Read) result;
        if (read.size() == 0) {
            return Uni.createFrom().item(Outcome.refused(DeliveryOutcome.INVALID, "Webhook body is empty"));
        }
        if (intake.signature() != null && !read.signatureMatches()) {
            if (intake.secretFromProvider()) {
                // the account's secret may have been rotated: fetched again (rate-limited) for the
                // provider's retry of this delivery, which the body, not kept, cannot be checked against
                replicate.forgetWebhookSecret(intake.settings());
            }
            return reject(provider, intake.clientIp(), intake.path(), "signature rejected: No matching signature found");
        }
        String deliveryId = intake.deliveryId() != null ? intake.deliveryId() : "sha256:" + read.sha256();
        return apply(intake.settings(), deliveryId, read.json());
    }

    private Uni<Outcome> reject(Provider provider, String clientIp, String path, String reason) {
        LOG.warnf("webhook for %s from %s rejected: %s", provider.wire(), clientIp, reason);
        return audit.append(AuditEvent.of("webhook_rejected", "webhook:" + provider.wire(), clientIp, "webhook", provider.wire(),
                        "reject", new WebhookAuditDetails.WebhookRejected(provider, path, clientIp, reason)))
                .onFailure().invoke(e -> LOG.errorf("webhook_rejected event not appended: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWith(Outcome.refused(DeliveryOutcome.REJECTED_SIGNATURE, "Invalid webhook signature"));
    }

    private Uni<Outcome> apply(ProviderSettings settings, String deliveryId, byte[] json) {
        Snapshot snapshot;
        try {
            snapshot = Snapshot.parse(StrictJson.object(Buffer.buffer(json))).withoutNul();
        } catch (DecodeException | ClassCastException e) {
            return Uni.createFrom().item(Outcome.refused(DeliveryOutcome.INVALID, "Webhook body is not a JSON object"));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Outcome.refused(DeliveryOutcome.INVALID, "Invalid job snapshot: " + e.getMessage()));
        }
        Provider provider = settings.provider();
        // the event of an ignored delivery is appended last, just before the COMMIT (see StoreDeadlines)
        return jobs.transaction(tx -> jobs.lockByProviderJob(tx, provider, snapshot.id()).chain(found -> {
            if (found.isEmpty()) {
                return jobs.recordDelivery(tx, provider, deliveryId, null, "unknown_job").map(recorded -> recorded
                        ? Outcome.acknowledged(DeliveryOutcome.IGNORED) : Outcome.acknowledged(DeliveryOutcome.DUPLICATE));
            }
            JobRow job = found.get();
            Optional<JobRow> next = JobTransitions.apply(job, snapshot, settings, config.logsTail());
            return jobs.recordDelivery(tx, provider, deliveryId, job.jobId(), next.isPresent() ? "applied" : "stale")
                    .chain(recorded -> {
                        if (!recorded) {
                            // named as documented: the job the first delivery concerned, as it stands
                            return Uni.createFrom().item(Outcome.concerning(DeliveryOutcome.DUPLICATE, job));
                        }
                        if (next.isEmpty()) {
                            return Uni.createFrom().item(Outcome.concerning(DeliveryOutcome.STALE, job));
                        }
                        return (job.status().terminal() ? writer.saveFigures(tx, next.get()) : writer.save(tx, next.get()))
                                .map(updated -> Outcome.concerning(DeliveryOutcome.APPLIED, updated));
                    });
        }), (outcome, left) -> outcome.result() != DeliveryOutcome.IGNORED ? Uni.createFrom().voidItem()
                : audit.append(AuditEvent.of("webhook.ignored", "webhook:" + provider.wire(), null, "webhook",
                        provider.wire(), "ignore", new WebhookAuditDetails.WebhookIgnored("unknown job", snapshot.id(), deliveryId)),
                        left)).onFailure(Snapshot.Invalid.class).recoverWithItem(e ->
                // rolled back, the delivery not recorded: a permanent refusal, so the provider stops retrying
                Outcome.refused(DeliveryOutcome.INVALID, "Invalid job snapshot: " + e.getMessage()));
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
