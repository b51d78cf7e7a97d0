package io.tuneops.storage.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.support.SharedNames;
import io.tuneops.support.redis.EventLoopRedis;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Publishes what a job has uploaded for webhook-service's job view: the Redis hash
 * {@link SharedNames#UPLOAD_PROGRESS_PREFIX}{@code {job_id}} with {@code objects}, {@code bytes}
 * (HINCRBY after each completed object) and {@code last_upload_at} (ISO 8601 UTC), pipelined in
 * one round trip on the request's own event loop's connection ({@link EventLoopRedis}), as the
 * upload's answer waits for it.
 */
@ApplicationScoped
public class UploadProgress {

    private static final Logger LOG = Logger.getLogger(UploadProgress.class);

    private final EventLoopRedis redis;
    private final StoreDeadlines deadlines;

    public UploadProgress(EventLoopRedis redis, StoreDeadlines deadlines) {
        this.redis = redis;
        this.deadlines = deadlines;
    }

    /** Counts one completed object; a Redis failure is logged, never fails the upload that already succeeded. */
    public Uni<Void> objectCompleted(String jobId, long bytes) {
        String key = SharedNames.UPLOAD_PROGRESS_PREFIX + jobId;
        String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        List<Request> batch = List.of(
                Request.cmd(Command.HINCRBY).arg(key).arg("objects").arg(1),
                Request.cmd(Command.HINCRBY).arg(key).arg("bytes").arg(bytes),
                Request.cmd(Command.HSET).arg(key).arg("last_upload_at").arg(now));
        return deadlines.redis(UniHelper.toUni(redis.batch(batch)))
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("upload progress of job %s not published: %s", jobId, e.toString()))
                .onFailure().recoverWithNull();
    }
}
