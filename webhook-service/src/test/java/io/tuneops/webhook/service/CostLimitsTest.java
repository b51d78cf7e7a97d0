package io.tuneops.webhook.service;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CostLimitsTest {

    static JsonObject limit(String action) {
        return new JsonObject().put("amount", 100.0).put("period", "daily").put("action", action);
    }

    @Test
    void wellInsideTheLimitNothingIsSaid() {
        CostLimits.Check check = CostLimits.check(limit("block"), 79.99, Provider.GENERIC);
        assertFalse(check.blocked());
        assertNull(check.message());
    }

    @Test
    void fromEightyPercentSubmissionsAreWarned() {
        CostLimits.Check check = CostLimits.check(limit("block"), 80, Provider.REPLICATE);
        assertFalse(check.blocked());
        assertEquals("Cost limit nearly reached: $80.00 of the daily limit of $100.00 for replicate spent", check.message());
    }

    @Test
    void atTheLimitAWarningLimitWarnsAndABlockingOneRefuses() {
        CostLimits.Check warned = CostLimits.check(limit("warn"), 100, Provider.GENERIC);
        assertFalse(warned.blocked());
        assertTrue(warned.message().startsWith("Cost limit exceeded: $100.00"), warned.message());
        CostLimits.Check blocked = CostLimits.check(limit("block"), 150, Provider.GENERIC);
        assertTrue(blocked.blocked());
        assertTrue(blocked.message().startsWith("Cost limit reached: $150.00"), blocked.message());
    }

    @Test
    void theDefaultPeriodIsMonthly() {
        assertEquals("monthly", CostLimits.period(new JsonObject().put("amount", 1.0)));
    }

    @Test
    void periodsStartAtMidnightUtcOnTheDayTheMondayAndTheFirst() {
        // a Wednesday, late in the evening west of UTC: already Thursday in UTC
        OffsetDateTime now = OffsetDateTime.of(2026, 11, 18, 22, 30, 0, 0, ZoneOffset.ofHours(-5));
        assertEquals(OffsetDateTime.of(2026, 11, 19, 0, 0, 0, 0, ZoneOffset.UTC), CostLimits.periodStart("daily", now));
        assertEquals(OffsetDateTime.of(2026, 11, 16, 0, 0, 0, 0, ZoneOffset.UTC), CostLimits.periodStart("weekly", now));
        assertEquals(OffsetDateTime.of(2026, 11, 1, 0, 0, 0, 0, ZoneOffset.UTC), CostLimits.periodStart("monthly", now));
    }
}
