package io.tuneops.webhook.service.quota;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** Whose jobs a quota counts: everyone's, an organisation's, a team's or one user's. */
public enum QuotaScope {
    GLOBAL, ORG, TEAM, USER;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<QuotaScope> fromWire(String value) {
        for (QuotaScope s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
