package io.tuneops.support.http;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** New correlation ids: 32 lowercase hex digits (128 random bits), none repeated. */
class CorrelationIdTest {

    @Test
    void newIdsAre128RandomBitsInHex() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = CorrelationIdHandler.newId();
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
    }
}
