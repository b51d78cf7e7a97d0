package io.tuneops.webhook.service;

import java.util.Map;

/** What storage-service has received for a job, as it counts it in Redis (SharedNames.UPLOAD_PROGRESS_PREFIX). */
public record UploadProgress(long objects, long bytes, String last_upload_at) {

    public static final UploadProgress NONE = new UploadProgress(0, 0, null);

    /** From storage-service's hash; a missing or unreadable count is 0, as for a job that uploaded nothing. */
    static UploadProgress of(Map<String, String> hash) {
        if (hash == null || hash.isEmpty()) {
            return NONE;
        }
        return new UploadProgress(count(hash.get("objects")), count(hash.get("bytes")), hash.get("last_upload_at"));
    }

    private static long count(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
