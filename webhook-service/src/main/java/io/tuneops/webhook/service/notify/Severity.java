package io.tuneops.webhook.service.notify;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** How much an event matters, in ascending order; a preference's minimum compares by this order. "Routine" is {@link #INFO}. */
public enum Severity {
    INFO, WARNING, ERROR, CRITICAL;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Severity minimum) {
        return compareTo(minimum) >= 0;
    }

    public static Optional<Severity> fromWire(String value) {
        for (Severity s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
