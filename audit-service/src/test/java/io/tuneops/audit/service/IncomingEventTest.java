package io.tuneops.audit.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event schema as audit-service reads it: what PostgreSQL or the hash would refuse is refused here. */
class IncomingEventTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static IncomingEvent parse(String event) throws Exception {
        return IncomingEvent.parse(JSON.readTree(event));
    }

    private static String event(String extra) {
        return "{\"id\":\"e-1\",\"type\":\"t\",\"time\":\"2026-01-15T10:30:00.1234567Z\"" + extra + "}";
    }

    @Test
    void aWellFormedEventIsRead() throws Exception {
        IncomingEvent e = parse(event(",\"actor\":\"key_1\",\"target_id\":\"GET /x \uD83D\uDE00\","
                + "\"details\":{\"n\":1.5,\"list\":[1,\"a\",null,true],\"big\":123456789012345678901234567890}"));
        assertEquals(Instant.parse("2026-01-15T10:30:00.123456Z"), e.time(), "stored with microseconds");
        assertEquals("key_1", e.actor());
        assertEquals(1.5, e.details().get("n").doubleValue());
        assertTrue(parse(event("")).details().isObject(), "no details are an empty object");
        assertTrue(parse(event(",\"details\":null")).details().isEmpty());
    }

    @Test
    void whatPostgresqlOrTheHashWouldRefuseIsRefused() {
        String[] refused = {
                event(",\"details\":[1]"),
                event(",\"details\":\"s\""),
                event(",\"details\":7"),
                event(",\"actor\":\"a\\u0000b\""),
                event(",\"target_id\":\"\\u0000\""),
                event(",\"details\":{\"k\":\"a\\u0000\"}"),
                event(",\"details\":{\"a\\u0000\":1}"),
                event(",\"details\":{\"deep\":[{\"x\":\"\\u0000\"}]}"),
                event(",\"details\":{\"n\":1e400}"),
                event(",\"details\":{\"n\":[-1e400]}"),
                event(",\"details\":{\"s\":\"\\ud800\"}"),
                event(",\"actor\":{\"id\":1}"),
                event(",\"action\":5"),
                event(",\"target_type\":\"" + "t".repeat(65) + "\""),
                "{\"id\":\"e\",\"type\":\"t\",\"time\":\"+300000-01-01T00:00:00Z\"}",
                "{\"id\":\"e\",\"type\":\"t\",\"time\":\"-0001-01-01T00:00:00Z\"}",
                "{\"id\":\"e\",\"type\":\"t\",\"time\":\"yesterday\"}",
                "{\"id\":\"e\",\"type\":\"t\"}",
                "{\"id\":7,\"type\":\"t\",\"time\":\"2026-01-15T10:30:00Z\"}",
                "[1]",
                "\"event\"",
        };
        for (String event : refused) {
            assertThrows(IllegalArgumentException.class, () -> parse(event), event);
        }
    }

    @Test
    void theLimitsThemselvesAreAccepted() throws Exception {
        assertEquals(64, parse(event(",\"target_type\":\"" + "t".repeat(64) + "\"")).targetType().length());
        assertEquals(1024, parse(event(",\"target_id\":\"" + "\u00e9".repeat(1024) + "\"")).targetId().length());
        // longer is kept, cut on a character to what the index holds and marked: a padded URL cannot keep
        // its request out of the trail
        String cut = parse(event(",\"target_id\":\"GET /" + "\u00e9".repeat(2000) + "\"")).targetId();
        assertTrue(cut.startsWith("GET /\u00e9") && cut.endsWith("\u2026"), cut);
        // "GET /" (5 bytes), 1,020 two-byte characters and the 3-byte mark: the 2,048 bytes the index holds
        assertEquals(2048, cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertEquals(5 + 1020 + 1, cut.length());
        assertEquals(Instant.parse("9999-12-31T23:59:59.999999Z"),
                parse("{\"id\":\"e\",\"type\":\"t\",\"time\":\"9999-12-31T23:59:59.9999999Z\"}").time());
        assertEquals(Instant.parse("0001-01-01T00:00:00Z"),
                parse("{\"id\":\"e\",\"type\":\"t\",\"time\":\"0001-01-01T00:00:00Z\"}").time());
    }
}
