package io.tuneops.storage.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * What happens once an object is complete: the job's upload progress is counted
 * ({@link UploadProgress}) and an {@code upload.completed} event goes to the shared audit stream.
 * The object is already stored and visible by then, so a Redis failure is logged, never turned
 * into a failed upload the client would retry.
 */
@ApplicationScoped
public class UploadEvents {

    private static final Logger LOG = Logger.getLogger(UploadEvents.class);

    /** The {@code details} of an {@code upload.completed} audit event. */
    public record Completed(@JsonProperty("job_id") String jobId, String bucket, long size, String etag) implements AuditDetails {
    }

    private final UploadProgress progress;
    private final AuditAppender audit;
    private final StorageMeters meters;

    public UploadEvents(UploadProgress progress, AuditAppender audit, StorageMeters meters) {
        this.progress = progress;
        this.audit = audit;
        this.meters = meters;
    }

    /** An object completed under {@code credential}. */
    public Uni<Void> completed(UploadCredential credential, String clientIp, String bucket, String key, long size, String etag,
                               CompletionAction action) {
        meters.completed(action, size);
        AuditEvent event = AuditEvent.of("upload.completed", "upload-credential:" + credential.accessKeyId(), clientIp,
                "object", bucket + "/" + key, action.label(), new Completed(credential.jobId(), bucket, size, etag));
        // a copy adds no uploaded bytes to the job's progress
        Uni<Void> counted = action == CompletionAction.COPY ? Uni.createFrom().voidItem()
                : progress.objectCompleted(credential.jobId(), size);
        // both best effort and independent: together they wait for Redis one deadline at most
        return Uni.combine().all().unis(counted, audit(event)).discardItems();
    }

    private Uni<Void> audit(AuditEvent event) {
        return audit.append(event).onFailure().recoverWithUni(e -> {
            LOG.warnf("audit event upload.completed %s not appended: %s", event.target_id(), e.toString());
            return Uni.createFrom().voidItem();
        });
    }
}
