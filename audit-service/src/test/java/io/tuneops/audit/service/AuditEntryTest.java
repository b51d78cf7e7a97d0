package io.tuneops.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The canonical encoding an entry's hash covers: the same entry always gives the same bytes. */
class AuditEntryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2026-01-15T10:30:00.123456Z");

    private static String canonical(JsonNode details) {
        return new String(AuditEntry.canonical(7, "e-7", TIME, "config.changed", "key:admin", null, "metrics_config",
                "prometheus", "update", details), StandardCharsets.UTF_8);
    }

    @Test
    void everyFieldInAFixedOrderNullsIncluded() {
        assertEquals("[7,\"e-7\",\"2026-01-15T10:30:00.123456Z\",\"config.changed\",\"key:admin\",null,"
                + "\"metrics_config\",\"prometheus\",\"update\",{}]", canonical(null));
    }

    @Test
    void detailsKeysAreSortedAtEveryDepth() throws Exception {
        assertEquals(canonical(JSON.readTree("{\"a\": 1, \"b\": {\"c\": true, \"d\": null}}")),
                canonical(JSON.readTree("{\"b\": {\"d\": null, \"c\": true}, \"a\": 1}")));
    }

    @Test
    void numbersDoNotDependOnHowTheyWereWritten() throws Exception {
        String written = canonical(JSON.readTree("{\"n\": 100, \"x\": [1.50]}"));
        assertEquals(written, canonical(JSON.readTree("{\"n\": 1e2, \"x\": [1.5]}")));
        assertEquals(written, canonical(JSON.readTree("{\"n\": 100.0, \"x\": [15e-1]}")));
        assertFalse(written.contains("\"n\":100"), "numbers are encoded as strings: " + written);
    }

    @Test
    void aJsonNullDetailsIsAnEmptyObject() {
        assertEquals(canonical(null), canonical(JsonNodeFactory.instance.nullNode()));
        assertEquals(canonical(null), canonical(JsonNodeFactory.instance.objectNode()));
    }

    @Test
    void theHashCoversThePreviousHashAndTheEncoding() {
        byte[] encoding = AuditEntry.canonical(1, "e", TIME, "t", null, null, null, null, null, null);
        byte[] zero = new byte[32];
        byte[] one = new byte[32];
        one[0] = 1;
        assertEquals(32, AuditEntry.chain(zero, encoding).length);
        assertArrayEquals(AuditEntry.chain(zero, encoding), AuditEntry.chain(zero, encoding));
        assertFalse(Arrays.equals(AuditEntry.chain(zero, encoding), AuditEntry.chain(one, encoding)));
    }
}
