package io.tuneops.audit.rest;

import io.tuneops.audit.service.AuditQueries.RangeEnd;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The query parameters of the audit API, read without a running service. */
class AuditParametersTest {

    private static AuditResource.BadParameter refused(Runnable read) {
        return assertThrows(AuditResource.BadParameter.class, read::run);
    }

    @Test
    void aCursorComesBackAsTheSequenceNumberItWasMadeOf() {
        assertEquals(1234567890123L, AuditResource.decodeCursor(AuditResource.encodeCursor(1234567890123L)));
        for (String bad : new String[]{"!!!", "", "eDox", AuditResource.encodeCursor(5).substring(1)}) {
            assertEquals("cursor", refused(() -> AuditResource.decodeCursor(bad)).parameter(), bad);
        }
    }

    @Test
    void theLimitIsAnIntegerFromOneToAThousand() {
        assertEquals(1, AuditResource.parseLimit("1"));
        assertEquals(1000, AuditResource.parseLimit("1000"));
        for (String bad : new String[]{"0", "1001", "-5", "lots", "", "2.5"}) {
            AuditResource.BadParameter e = refused(() -> AuditResource.parseLimit(bad));
            assertEquals("limit", e.parameter(), bad);
            assertEquals("must be an integer from 1 to 1000", e.getMessage());
        }
    }

    @Test
    void aTimeWithoutOffsetIsUtc() {
        assertEquals(OffsetDateTime.of(2026, 1, 15, 10, 30, 0, 0, ZoneOffset.UTC),
                AuditResource.time("since", "2026-01-15T10:30:00"));
        assertEquals(OffsetDateTime.of(2026, 1, 15, 10, 30, 0, 0, ZoneOffset.ofHours(2)),
                AuditResource.time("since", "2026-01-15T10:30:00+02:00"));
        assertNull(AuditResource.time("since", null));
        AuditResource.BadParameter e = refused(() -> AuditResource.time("until", "yesterday"));
        assertEquals("until", e.parameter());
        assertTrue(e.getMessage().startsWith("'yesterday' is not an ISO 8601 time"), e.getMessage());
    }

    @Test
    void aVerificationBoundIsASequenceNumberATimeOrOpen() {
        assertEquals(RangeEnd.OPEN, AuditResource.rangeEnd("from", null));
        assertEquals(RangeEnd.OPEN, AuditResource.rangeEnd("from", " "));
        assertEquals(RangeEnd.seq(42), AuditResource.rangeEnd("from", "42"));
        assertEquals(RangeEnd.time(OffsetDateTime.of(2026, 1, 15, 0, 0, 0, 0, ZoneOffset.UTC)),
                AuditResource.rangeEnd("to", "2026-01-15T00:00:00Z"));
        assertEquals("to", refused(() -> AuditResource.rangeEnd("to", "not-a-time")).parameter());
        assertEquals("to", refused(() -> AuditResource.rangeEnd("to", "1234567890123456789")).parameter(),
                "more digits than a sequence number has is not a time either");
    }

    @Test
    void filterValuesAreAtMost256Characters() {
        assertEquals("x".repeat(256), AuditResource.bounded("actor", "x".repeat(256)));
        assertNull(AuditResource.bounded("actor", null));
        assertEquals("actor", refused(() -> AuditResource.bounded("actor", "x".repeat(257))).parameter());
    }

    @Test
    void filterValuesRefuseControlCharacters() {
        for (String bad : new String[]{"a\u0000b", "\u0000", "a\nb", "tab\there", "\u001f"}) {
            for (String field : new String[]{"actor", "actor_id", "actor_ip", "target_type", "target_id"}) {
                AuditResource.BadParameter e = refused(() -> AuditResource.bounded(field, bad));
                assertEquals(field, e.parameter());
                assertTrue(e.getMessage().contains("control characters"), e.getMessage());
            }
        }
        assertEquals("GET /x \u00e9\u007f", AuditResource.bounded("target_id", "GET /x \u00e9\u007f"));
    }

    @Test
    void theOffsetIsAnIntegerFromZero() {
        assertEquals(0, AuditResource.parseOffset("0"));
        assertEquals(AuditResource.MAX_OFFSET, AuditResource.parseOffset(Integer.toString(AuditResource.MAX_OFFSET)));
        for (String bad : new String[]{"-1", "1000001", "x", "", "1.5"}) {
            AuditResource.BadParameter e = refused(() -> AuditResource.parseOffset(bad));
            assertEquals("offset", e.parameter(), bad);
            assertEquals("must be an integer from 0 to 1000000", e.getMessage());
        }
    }

    @Test
    void actorIdIsAnAliasOfActor() {
        assertEquals("key_1", AuditResource.actor(null, "key_1"));
        assertEquals("key_1", AuditResource.actor("key_1", null));
        assertEquals("key_1", AuditResource.actor("key_1", "key_1"));
        assertNull(AuditResource.actor(null, null));
        assertEquals("actor_id", refused(() -> AuditResource.actor("key_1", "key_2")).parameter());
        assertEquals("actor_id", refused(() -> AuditResource.actor(null, "a\u0000")).parameter());
    }
}
