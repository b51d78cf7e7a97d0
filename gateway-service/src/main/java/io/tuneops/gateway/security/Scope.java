package io.tuneops.gateway.security;

import java.util.Locale;
import java.util.Optional;

/** What a key may do; each scope includes the ones below it. */
public enum Scope {
    VIEWER, OPERATOR, ADMIN;

    public boolean includes(Scope required) {
        return ordinal() >= required.ordinal();
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
