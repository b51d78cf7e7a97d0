package io.tuneops.console.service;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** How the console writes money, durations, sizes and times: the same way on every page. */
public final class Formats {

    /** Shown for a value that is not known (yet). */
    public static final String NONE = "—";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Formats() {
    }

    /** US dollars: cents, or four decimals for amounts below a cent (per-second prices add up slowly). */
    public static String usd(double amount) {
        if (amount != 0 && Math.abs(amount) < 0.01) {
            return String.format(Locale.ROOT, "$%.4f", amount);
        }
        return String.format(Locale.ROOT, "$%,.2f", amount);
    }

    /** 45 s, 12 min 5 s, 2 h 3 min. */
    public static String duration(Double seconds) {
        if (seconds == null || seconds.isNaN() || seconds < 0) {
            return NONE;
        }
        long total = Math.round(seconds);
        if (total < 60) {
            return total + " s";
        }
        if (total < 3600) {
            return (total / 60) + " min " + (total % 60) + " s";
        }
        return (total / 3600) + " h " + ((total % 3600) / 60) + " min";
    }

    /** Binary units, one decimal above a KiB. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** An API time (ISO 8601) in UTC to the second; text that is not a time is shown as it is. */
    public static String time(String iso) {
        if (iso == null || iso.isBlank()) {
            return NONE;
        }
        try {
            return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC).format(TIME);
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    /** A value or the dash. */
    public static String text(Object value) {
        return value == null || value.toString().isBlank() ? NONE : value.toString();
    }

    /** An upload count: what storage has received for a job. */
    public static String uploads(long objects, long bytes) {
        if (objects == 0) {
            return "nothing yet";
        }
        return objects + (objects == 1 ? " object, " : " objects, ") + bytes(bytes);
    }
}
