package io.tuneops.webhook.service;

import io.tuneops.webhook.repository.JobRow;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;

/**
 * Where the next page of a job listing starts: after this (created_at, job_id), newest first. On the
 * wire it is opaque, base64url of {@code created_at|job_id}.
 */
public record JobCursor(OffsetDateTime createdAt, String jobId) {

    static JobCursor after(JobRow last) {
        return new JobCursor(last.createdAt(), last.jobId());
    }

    public String encode() {
        String raw = createdAt.toString() + "|" + jobId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this service issued */
    public static JobCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            return new JobCursor(OffsetDateTime.parse(raw.substring(0, bar)), raw.substring(bar + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad cursor", e);
        }
    }
}
