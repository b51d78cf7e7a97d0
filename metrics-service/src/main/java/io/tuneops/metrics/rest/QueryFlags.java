package io.tuneops.metrics.rest;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Boolean query parameters as the original implementation read them (FastAPI/pydantic): true,
 * false, 1, 0, yes, no, on, off, t, f, y, n in any case, so that scripts written for it keep
 * working. Anything else is the caller's mistake and is refused, never read as false: a
 * misspelt {@code include_providers=ture} silently skipping the provider checks would look like
 * healthy providers.
 */
final class QueryFlags {

    private static final Set<String> TRUE = Set.of("true", "1", "yes", "on", "t", "y");
    private static final Set<String> FALSE = Set.of("false", "0", "no", "off", "f", "n");

    private QueryFlags() {
    }

    /** Absent: false. Empty when the value is not a boolean. */
    static Optional<Boolean> parse(String value) {
        if (value == null) {
            return Optional.of(false);
        }
        String v = value.toLowerCase(Locale.ROOT);
        if (TRUE.contains(v)) {
            return Optional.of(true);
        }
        return FALSE.contains(v) ? Optional.of(false) : Optional.empty();
    }
}
