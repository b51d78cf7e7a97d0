package io.tuneops.webhook.service;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JobCursorTest {

    @Test
    void aCursorSurvivesTheRoundTrip() {
        JobCursor cursor = new JobCursor(OffsetDateTime.of(2026, 11, 22, 9, 0, 0, 123_000_000, ZoneOffset.UTC), "job_ab|cd");
        assertEquals(cursor, JobCursor.decode(cursor.encode()));
    }

    @Test
    void textThatIsNoCursorIsRefused() {
        for (String bad : new String[]{"%%%", "", "bm90LWEtY3Vyc29y", "MjAyNi0xMS0yMnxqb2I"}) {
            assertThrows(IllegalArgumentException.class, () -> JobCursor.decode(bad), bad);
        }
    }
}
