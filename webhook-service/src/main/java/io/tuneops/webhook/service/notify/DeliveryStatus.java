package io.tuneops.webhook.service.notify;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** Where a delivery stands: waiting (or waiting to be retried), claimed by a dispatcher, done, or out of attempts. */
public enum DeliveryStatus {
    PENDING, DELIVERING, DELIVERED, FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeliveryStatus> fromWire(String value) {
        for (DeliveryStatus s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
