package io.tuneops.webhook.service;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UploadProgressTest {

    @Test
    void nothingUploadedIsZero() {
        assertEquals(UploadProgress.NONE, UploadProgress.of(null));
        assertEquals(UploadProgress.NONE, UploadProgress.of(Map.of()));
    }

    @Test
    void storagesCountsAreReadAndAnUnreadableOneIsZero() {
        assertEquals(new UploadProgress(3, 4096, "2026-11-22T09:00:00Z"),
                UploadProgress.of(Map.of("objects", "3", "bytes", "4096", "last_upload_at", "2026-11-22T09:00:00Z")));
        assertEquals(new UploadProgress(0, 7, null), UploadProgress.of(Map.of("objects", "many", "bytes", "7")));
    }
}
