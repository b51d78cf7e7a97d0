package io.tuneops.storage.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.support.SharedNames;
import io.tuneops.support.redis.EventLoopRedis;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Reads upload credentials from Redis ({@link SharedNames#UPLOAD_CREDENTIALS_PREFIX}), where
 * webhook-service writes them. An absent key is an unknown, revoked or expired credential (the
 * key's TTL is the credential's expiry); expires_at is checked again in case the TTL and the
 * clock disagree. Every S3 request waits for this lookup, so it goes on the request's own event
 * loop's connection ({@link EventLoopRedis}).
 */
@ApplicationScoped
public class CredentialStore {

    private static final Logger LOG = Logger.getLogger(CredentialStore.class);

    private final EventLoopRedis redis;
    private final StoreDeadlines deadlines;

    public CredentialStore(EventLoopRedis redis, StoreDeadlines deadlines) {
        this.redis = redis;
        this.deadlines = deadlines;
    }

    public Uni<Optional<UploadCredential>> find(String accessKeyId) {
        if (accessKeyId == null || accessKeyId.isEmpty() || accessKeyId.length() > 128) {
            return Uni.createFrom().item(Optional.empty());
        }
        Request get = Request.cmd(Command.GET).arg(SharedNames.UPLOAD_CREDENTIALS_PREFIX + accessKeyId);
        return deadlines.redis(UniHelper.toUni(redis.send(get)))
                .map(reply -> parse(reply == null ? null : reply.toString()));
    }

    static Optional<UploadCredential> parse(String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            JsonObject o = new JsonObject(json);
            String prefix = o.getString("prefix");
            String jobId = o.getString("job_id");
            if (prefix == null || prefix.isEmpty()) {
                prefix = jobId + "/";
            }
            UploadCredential c = new UploadCredential(o.getString("access_key_id"), o.getString("secret_access_key"),
                    jobId, o.getString("bucket"), prefix, OffsetDateTime.parse(o.getString("expires_at")).toInstant());
            if (c.accessKeyId() == null || c.secretAccessKey() == null || c.jobId() == null || c.bucket() == null
                    || c.prefix().length() < 2 || !c.prefix().endsWith("/") || c.prefix().startsWith("/")) {
                LOG.warn("upload credential in Redis lacks a field; treated as absent");
                return Optional.empty();
            }
            return Optional.of(c);
        } catch (RuntimeException e) {
            // not the parser's message: it may quote the secret
            LOG.warn("unreadable upload credential in Redis; treated as absent");
            return Optional.empty();
        }
    }
}
