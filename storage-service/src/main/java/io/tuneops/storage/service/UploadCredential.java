package io.tuneops.storage.service;

import java.time.Instant;

/**
 * A job's upload credential as webhook-service publishes it in Redis
 * ({@code tuneops:upload-credentials:{access_key_id}}, JSON, expiring with the credential).
 */
public record UploadCredential(String accessKeyId, String secretAccessKey, String jobId, String bucket, String prefix,
                               Instant expiresAt) {

    /** May this credential touch {@code key} in {@code bucket}? Only under its own bucket and prefix. */
    public boolean covers(String bucketName, String key) {
        return bucket.equals(bucketName) && key != null && key.startsWith(prefix);
    }

    @Override
    public String toString() {
        return "UploadCredential[" + accessKeyId + ", job " + jobId + "]";
    }
}
