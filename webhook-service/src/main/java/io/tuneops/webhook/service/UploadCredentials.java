package io.tuneops.webhook.service;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.SharedNames;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.crypto.SecretBox;
import io.tuneops.webhook.repository.UploadCredentialRepository;
import io.tuneops.webhook.repository.UploadCredentialRepository.StoredCredential;
import io.vertx.core.json.Json;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Per-job S3 upload credentials. PostgreSQL keeps them encrypted (a dump reveals nothing);
 * storage-service reads the live ones from Redis
 * ({@value SharedNames#UPLOAD_CREDENTIALS_PREFIX}{access_key_id}, a {@link Published} as JSON, expiring
 * with the credential), which this service writes inside the transaction that creates or shortens
 * them, so the two never disagree after a commit.
 */
@ApplicationScoped
public class UploadCredentials {

    private static final Logger LOG = Logger.getLogger(UploadCredentials.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final char[] SECRET_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    /** What the submitter receives once: the S3 settings a job needs. */
    @Schema(name = "UploadCredentials", description = "S3 settings for the job's uploads, shown once")
    public record Issued(String access_key_id, String secret_access_key, String endpoint_url, String bucket,
                         String prefix, String expires_at) {
        @Override
        public String toString() {
            return "Issued[" + access_key_id + "]";
        }
    }

    /** What storage-service reads to check a job's uploads (its CredentialStore parses these fields). */
    record Published(String access_key_id, String secret_access_key, String job_id, String bucket, String prefix,
                     String expires_at) {
        @Override
        public String toString() {
            return "Published[" + access_key_id + "]";
        }
    }

    private final UploadCredentialRepository repository;
    private final SecretBox box;
    private final ReactiveRedisDataSource redis;
    private final JobsConfig config;
    private final StoreDeadlines deadlines;

    public UploadCredentials(UploadCredentialRepository repository, SecretBox box, ReactiveRedisDataSource redis,
                             JobsConfig config, StoreDeadlines deadlines) {
        this.repository = repository;
        this.box = box;
        this.redis = redis;
        this.config = config;
        this.deadlines = deadlines;
    }

    /** A credential stored in the job's transaction, to be published to Redis just before its COMMIT. */
    public record Issuing(StoredCredential stored, Issued issued) {
        @Override
        public String toString() {
            return "Issuing[" + issued.access_key_id() + "]";
        }
    }

    /** Redis may have been emptied since they were issued: publish every live credential again. */
    void republish(@Observes StartupEvent event) {
        repository.live()
                .onItem().transformToUni(live -> live.isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.join().all(live.stream().map(this::publish).toList()).andFailFast().replaceWithVoid())
                .subscribe().with(v -> LOG.debug("upload credentials republished"),
                        e -> LOG.warnf("upload credentials not republished: %s", e.toString()));
    }

    /** Stores a new credential in the transaction {@code tx}; {@link #publish(Issuing, Duration)} makes it usable. */
    public Uni<Issuing> issue(SqlClient tx, String jobId, String endpointUrl) {
        String accessKeyId = "TUNE" + random(KEY_ID_ALPHABET, 16);
        String secret = random(SECRET_ALPHABET, 40);
        String prefix = jobId + "/";
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(config.uploadMaxLifetime()).withNano(0);
        StoredCredential stored = new StoredCredential(accessKeyId, jobId,
                box.seal(secret, context(accessKeyId, jobId)), config.uploadBucket(), prefix, expires);
        return repository.insert(tx, stored)
                .replaceWith(new Issuing(stored, new Issued(accessKeyId, secret, endpointUrl, config.uploadBucket(), prefix,
                        expires.toString())));
    }

    /** Publishes an issued credential for storage-service, within {@code within} (the transaction's time left). */
    public Uni<Void> publish(Issuing issuing, Duration within) {
        return deadlines.redis(publish(issuing.stored()), within);
    }

    /**
     * The credentials of a job held for approval that the transaction {@code tx} releases: to be
     * published by {@link #publish(List, Duration)} as its last step before the COMMIT, after the
     * decision's audit event, and withdrawn if it does not commit.
     */
    public Uni<List<StoredCredential>> releasing(SqlClient tx, String jobId) {
        return repository.liveOf(tx, jobId);
    }

    /** Publishes stored credentials for storage-service, within {@code within} (the transaction's time left). */
    public Uni<Void> publish(List<StoredCredential> live, Duration within) {
        return live.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(live.stream().map(c -> deadlines.redis(publish(c), within)).toList()).andFailFast().replaceWithVoid();
    }

    /** Removes published credentials from Redis again: the change that published them was not committed. */
    public Uni<Void> withdraw(List<StoredCredential> published) {
        return published.isEmpty() ? Uni.createFrom().voidItem()
                : deadlines.redis(redis.key(String.class).del(published.stream()
                .map(c -> SharedNames.UPLOAD_CREDENTIALS_PREFIX + c.accessKeyId()).toArray(String[]::new))).replaceWithVoid();
    }

    /**
     * Ends a never-released job's credentials at once: they were never published, so they get no
     * grace period (a key Redis may still hold is removed).
     */
    public Uni<Void> revokeNow(SqlClient tx, String jobId) {
        return repository.expireBy(tx, jobId, OffsetDateTime.now(ZoneOffset.UTC).withNano(0))
                .onItem().transformToUni(changed -> changed.isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.join().all(changed.stream().map(this::publish).toList()).andFailFast().replaceWithVoid());
    }

    /** A terminal job's credentials keep working for the grace period, for its final uploads. */
    public Uni<Void> revokeAfterGrace(SqlClient tx, String jobId) {
        OffsetDateTime until = OffsetDateTime.now(ZoneOffset.UTC).plus(config.uploadGracePeriod()).withNano(0);
        return repository.expireBy(tx, jobId, until)
                .onItem().transformToUni(changed -> changed.isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.join().all(changed.stream().map(this::publish).toList()).andFailFast().replaceWithVoid());
    }

    private Uni<Void> publish(StoredCredential c) {
        long ttlSeconds = c.expiresAt().toEpochSecond() - OffsetDateTime.now(ZoneOffset.UTC).toEpochSecond();
        if (ttlSeconds <= 0) {
            return deadlines.redis(redis.key(String.class).del(SharedNames.UPLOAD_CREDENTIALS_PREFIX + c.accessKeyId())).replaceWithVoid();
        }
        String value = Json.encode(new Published(c.accessKeyId(),
                box.open(c.secretCiphertext(), context(c.accessKeyId(), c.jobId())), c.jobId(), c.bucket(), c.prefix(),
                c.expiresAt().toString()));
        return deadlines.redis(redis.value(String.class).set(SharedNames.UPLOAD_CREDENTIALS_PREFIX + c.accessKeyId(), value,
                new SetArgs().ex(ttlSeconds)));
    }

    private static String context(String accessKeyId, String jobId) {
        return "upload-credential:" + accessKeyId + ":" + jobId;
    }

    private static String random(char[] alphabet, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[RANDOM.nextInt(alphabet.length)];
        }
        return new String(out);
    }

}
