package io.tuneops.webhook.service.notify;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** Whose events a preference is about: everyone's, one organisation's, one team's or one user's (the scope id names which). */
public enum PreferenceScope {
    EVERYONE, ORG, TEAM, USER;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PreferenceScope> fromWire(String value) {
        for (PreferenceScope s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
