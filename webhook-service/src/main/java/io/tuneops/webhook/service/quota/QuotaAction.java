package io.tuneops.webhook.service.quota;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** What an exceeded quota does to a submit; declared from the mildest to the strictest. */
public enum QuotaAction {
    WARN, REQUIRE_APPROVAL, BLOCK;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<QuotaAction> fromWire(String value) {
        for (QuotaAction a : values()) {
            if (a.wire().equals(value)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
