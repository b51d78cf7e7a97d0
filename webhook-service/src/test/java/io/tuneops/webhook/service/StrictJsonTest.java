package io.tuneops.webhook.service;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StrictJsonTest {

    private static String refused(String json) {
        return assertThrows(StrictJson.NonFiniteNumber.class, () -> StrictJson.object(Buffer.buffer(json))).field();
    }

    @Test
    void numbersWithoutAFiniteValueAreRefusedByTheirPath() {
        assertEquals("metrics.predict_time", refused("{\"id\": \"a\", \"metrics\": {\"predict_time\": 1e999999}}"));
        assertEquals("input.schedule[2].lr", refused("{\"input\": {\"schedule\": [{}, {}, {\"lr\": -1.5e400}]}}"));
        assertEquals("steps", refused("{\"steps\": 1" + "0".repeat(400) + "}"));
        assertEquals(1e308, StrictJson.object(Buffer.buffer("{\"a\": 1e308, \"b\": 123456789012345678901234567890}"))
                .getDouble("a"), "finite, however large: the field's own range decides");
    }
}
