package io.tuneops.storage.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tuneops.support.audit.AuditEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The details of upload.completed audit events, as audit-service and the audit trail's readers see them. */
class UploadEventsTest {

    @Test
    void completedDetailsKeepTheirFieldNamesAndOrder() throws Exception {
        ObjectMapper json = new ObjectMapper();
        AuditEvent event = AuditEvent.of("upload.completed", "upload-credential:TUNE1", "10.0.0.1", "object",
                "outputs/job-1/model.bin", CompletionAction.COMPLETE_MULTIPART_UPLOAD.label(),
                new UploadEvents.Completed("job-1", "outputs", 6_000_000_000L, "9b2cf535f27731c974343645a3985328-2"));
        assertEquals("{\"job_id\":\"job-1\",\"bucket\":\"outputs\",\"size\":6000000000,\"etag\":\"9b2cf535f27731c974343645a3985328-2\"}",
                json.readTree(json.writeValueAsString(event)).get("details").toString());
    }
}
