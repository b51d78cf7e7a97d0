package io.tuneops.webhook.service;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.SharedNames;
import io.tuneops.support.store.StoreDeadlines;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;

/** Reads the upload progress storage-service keeps per job. */
@ApplicationScoped
public class UploadProgressReader {

    private static final Logger LOG = Logger.getLogger(UploadProgressReader.class);

    /** The figures and, when storage-service records it ({@code last_key}), the key of the job's latest object. */
    public record Summary(UploadProgress progress, String lastKey) {

        static Summary of(Map<String, String> hash) {
            return new Summary(UploadProgress.of(hash), hash == null ? null : hash.get("last_key"));
        }
    }

    private final ReactiveRedisDataSource redis;
    private final StoreDeadlines deadlines;

    public UploadProgressReader(ReactiveRedisDataSource redis, StoreDeadlines deadlines) {
        this.redis = redis;
        this.deadlines = deadlines;
    }

    /** Empty when Redis cannot be read: a job is still worth showing without its upload figures. */
    public Uni<Optional<UploadProgress>> read(String jobId) {
        return hash(jobId)
                .map(hash -> Optional.of(UploadProgress.of(hash)))
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("upload progress of %s not read: %s", jobId, e.toString());
                    return Optional.empty();
                });
    }

    /** For a change that reports the figures: fails when Redis cannot be read, rather than reporting nothing. */
    public Uni<Summary> summary(String jobId) {
        return hash(jobId).map(Summary::of);
    }

    private Uni<Map<String, String>> hash(String jobId) {
        return deadlines.redis(redis.hash(String.class).hgetall(SharedNames.UPLOAD_PROGRESS_PREFIX + jobId));
    }
}
