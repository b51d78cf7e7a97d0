package io.tuneops.webhook.service.approval;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where an approval request stands; only {@link #PENDING} may still change. */
public enum ApprovalStatus {
    PENDING, APPROVED, REJECTED, CANCELLED, EXPIRED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wire();
    }

    public static Optional<ApprovalStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }

    public static ApprovalStatus of(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown approval status: " + value));
    }
}
