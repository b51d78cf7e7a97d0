package io.tuneops.webhook.service;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.notify.NotificationEventPayload;
import io.tuneops.webhook.config.JobsConfig;
import io.tuneops.webhook.repository.JobRow;
import io.tuneops.webhook.service.notify.NotificationEventType;
import io.tuneops.webhook.service.notify.NotificationOutbox;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;

/**
 * upload.completed with position "last": what a job that has just finished had uploaded, written
 * in the transaction that finishes it (storage-service reports the first checkpoint). Uploads made
 * during the credentials' grace period after the end are not in it.
 */
@ApplicationScoped
public class LastUploadNotice {

    /** Which of a job's checkpoints an upload.completed reports. */
    public enum Position {
        FIRST, LAST;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** upload.completed's data; {@code key} and {@code size_bytes} are null when storage-service did not record them. */
    public record UploadCompletedData(String job_id, Position position, String key, String bucket, Long size_bytes,
                                      long objects, long bytes) {
    }

    private final NotificationOutbox outbox;
    private final JobsConfig config;
    private final ObjectMapper json;

    public LastUploadNotice(NotificationOutbox outbox, JobsConfig config, ObjectMapper json) {
        this.outbox = outbox;
        this.config = config;
        this.json = json;
    }

    /**
     * Records the event in {@code tx} when the job uploaded anything; once per job (its id is
     * derived from the job), however often a finished job is saved again.
     */
    public Uni<Void> record(SqlClient tx, JobRow finished, UploadProgressReader.Summary uploads) {
        UploadProgress progress = uploads.progress();
        if (progress.objects() == 0) {
            return Uni.createFrom().voidItem();
        }
        UploadCompletedData data = new UploadCompletedData(finished.jobId(), Position.LAST, uploads.lastKey(),
                config.uploadBucket(), null, progress.objects(), progress.bytes());
        return outbox.record(tx, new NotificationEventPayload("evt_upload_last_" + finished.jobId(),
                NotificationEventType.UPLOAD_COMPLETED.wire(), null, null, finished.jobId(), finished.userId(),
                finished.teamId(), finished.orgId(), json.valueToTree(data))).replaceWithVoid();
    }
}
