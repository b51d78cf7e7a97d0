package io.tuneops.webhook.service;

import org.junit.jupiter.api.Test;

import static io.tuneops.webhook.service.JobStatus.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobStatusTest {

    @Test
    void providerStatusesMapAsDocumented() {
        assertEquals(QUEUED, fromProvider("starting").orElseThrow());
        assertEquals(RUNNING, fromProvider("processing").orElseThrow());
        assertEquals(COMPLETED, fromProvider("succeeded").orElseThrow());
        assertEquals(FAILED, fromProvider("failed").orElseThrow());
        assertEquals(CANCELLED, fromProvider("canceled").orElseThrow());
        assertTrue(fromProvider("exploded").isEmpty());
    }

    @Test
    void jobsOnlyMoveForwardAndNeverLeaveATerminalState() {
        assertTrue(PENDING.mayBecome(QUEUED));
        assertTrue(PENDING.mayBecome(COMPLETED));
        assertTrue(QUEUED.mayBecome(RUNNING));
        assertTrue(RUNNING.mayBecome(RUNNING), "log updates while running");
        assertTrue(RUNNING.mayBecome(FAILED));
        assertFalse(RUNNING.mayBecome(QUEUED));
        for (JobStatus terminal : new JobStatus[]{COMPLETED, FAILED, CANCELLED}) {
            for (JobStatus any : values()) {
                assertFalse(terminal.mayBecome(any), terminal + " -> " + any);
            }
        }
    }
}
