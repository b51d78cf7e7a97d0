package io.tuneops.console.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FormatsTest {

    @Test
    void moneyShowsCentsOrFourDecimalsBelowACent() {
        assertEquals("$0.00", Formats.usd(0));
        assertEquals("$1.14", Formats.usd(1.1375));
        assertEquals("$1,234.50", Formats.usd(1234.5));
        assertEquals("$0.0042", Formats.usd(0.0042));
    }

    @Test
    void durationsAreWrittenOut() {
        assertEquals("—", Formats.duration(null));
        assertEquals("45 s", Formats.duration(45.4));
        assertEquals("13 min 33 s", Formats.duration(812.5));
        assertEquals("2 h 3 min", Formats.duration(7380.0));
        assertEquals("—", Formats.duration(-1.0));
    }

    @Test
    void sizesUseBinaryUnits() {
        assertEquals("0 B", Formats.bytes(0));
        assertEquals("1023 B", Formats.bytes(1023));
        assertEquals("1.5 KiB", Formats.bytes(1536));
        assertEquals("3.3 MiB", Formats.bytes(3_500_000));
        assertEquals("5.0 GiB", Formats.bytes(5L << 30));
    }

    @Test
    void timesAreUtcToTheSecond() {
        assertEquals("2026-11-22 09:00:00 UTC", Formats.time("2026-11-22T09:00:00Z"));
        assertEquals("2026-11-22 08:00:00 UTC", Formats.time("2026-11-22T09:00:00.123+01:00"));
        assertEquals("—", Formats.time(null));
        assertEquals("soon", Formats.time("soon"));
    }

    @Test
    void uploadsCountObjectsAndBytes() {
        assertEquals("nothing yet", Formats.uploads(0, 0));
        assertEquals("1 object, 10 B", Formats.uploads(1, 10));
        assertEquals("2 objects, 3.3 MiB", Formats.uploads(2, 3_500_000));
    }
}
