package io.tuneops.webhook.service.notify;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** How an SMTP connection is protected: upgraded with STARTTLS (required), TLS from the start, or not at all. */
public enum SmtpSecurity {
    STARTTLS(587), TLS(465), NONE(25);

    private final int defaultPort;

    SmtpSecurity(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The original's boolean: true means protected (STARTTLS or TLS). */
    public boolean useTls() {
        return this != NONE;
    }

    public static Optional<SmtpSecurity> fromWire(String value) {
        for (SmtpSecurity s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
