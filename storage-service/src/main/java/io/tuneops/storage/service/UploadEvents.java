package io.tuneops.storage.service;

import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.audit.AuditLog;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What happens once an object is complete: the job's upload progress is counted
 * ({@link UploadProgress}) and an {@code upload.completed} event goes to the shared audit stream.
 * The object is already stored and visible by then, so a Redis failure is logged, never turned
 * into a failed upload the client would retry.
 */
@ApplicationScoped
public class UploadEvents {

    private static final Logger LOG = Logger.getLogger(UploadEvents.class);

    private final UploadProgress progress;
    private final AuditLog audit;
    private final StorageMeters meters;

    public UploadEvents(UploadProgress progress, AuditLog audit, StorageMeters meters) {
        this.progress = progress;
        this.audit = audit;
        this.meters = meters;
    }

    /** An object completed: {@code action} is put, complete_multipart_upload or copy. */
    public Uni<Void> completed(UploadCredential credential, String clientIp, String bucket, String key, long size, String etag,
                               String action) {
        meters.completed(action, size);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("job_id", credential.jobId());
        details.put("bucket", bucket);
        details.put("size", size);
        details.put("etag", etag);
        AuditEvent event = AuditEvent.of("upload.completed", "upload-credential:" + credential.accessKeyId(), clientIp,
                "object", bucket + "/" + key, action, details);
        Uni<Void> counted = action.equals("copy") ? Uni.createFrom().voidItem() : progress.objectCompleted(credential.jobId(), size);
        return counted.flatMap(v -> audit(event));
    }

    private Uni<Void> audit(AuditEvent event) {
        return audit.append(event).onFailure().recoverWithUni(e -> {
            LOG.warnf("audit event upload.completed %s not appended: %s", event.target_id(), e.toString());
            return Uni.createFrom().voidItem();
        });
    }
}
