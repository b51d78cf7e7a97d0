package io.tuneops.gateway.security;

import java.util.Locale;
import java.util.Optional;

/** What a key may do; each scope includes the ones below it. */
public enum Scope {
    VIEWER, OPERATOR, ADMIN;

    public boolean includes(Scope required) {
        return ordinal() >= required.ordinal();
    }

    /** This scope, no higher than {@code cap} (a key's scope capped by its owner's role). */
    public Scope atMost(Scope cap) {
        return ordinal() <= cap.ordinal() ? this : cap;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> parse(String text) {
        for (Scope s : values()) {
            if (s.id().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
