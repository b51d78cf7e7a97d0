package io.tuneops.webhook.service;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The providers tuneops can drive. {@link #wire()} is the name everywhere outside the JVM: paths
 * ({@code /api/webhooks/{provider}}), JSON, the database's provider columns and Redis.
 */
public enum Provider {
    REPLICATE("Replicate"),
    GENERIC("Generic (self-reported jobs)");

    private final String displayName;

    Provider(String displayName) {
        this.displayName = displayName;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String displayName() {
        return displayName;
    }

    /** The wire name, so that a provider concatenated into a message or a key reads as it does on the wire. */
    @Override
    public String toString() {
        return wire();
    }

    public static Optional<Provider> fromWire(String value) {
        return Arrays.stream(values()).filter(p -> p.wire().equals(value)).findFirst();
    }

    /** @throws IllegalArgumentException for a name that is not a provider's */
    @JsonCreator
    public static Provider of(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown provider: " + value));
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Provider::wire).toList();
    }
}
