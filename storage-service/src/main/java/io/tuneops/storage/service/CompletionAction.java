package io.tuneops.storage.service;

/**
 * How an object came to be complete. {@link #label()} is the {@code action} of its
 * {@code upload.completed} audit event and of the storage meters' {@code action} tag.
 */
public enum CompletionAction {
    /** A single PUT. */
    PUT("put"),
    /** CompleteMultipartUpload. */
    COMPLETE_MULTIPART_UPLOAD("complete_multipart_upload"),
    /** A server-side copy (CopyObject). */
    COPY("copy");

    private final String label;

    CompletionAction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
