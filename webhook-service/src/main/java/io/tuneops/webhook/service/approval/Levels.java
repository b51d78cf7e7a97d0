package io.tuneops.webhook.service.approval;

import io.tuneops.webhook.service.approval.Submitter.Role;

import java.util.Locale;
import java.util.Optional;

/** Role names as approval rules accept them: our roles, and the original's "lead" for admin. */
public final class Levels {

    private Levels() {
    }

    public static Optional<Role> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String name = value.trim().toLowerCase(Locale.ROOT);
        return "lead".equals(name) ? Optional.of(Role.ADMIN) : Role.fromWire(name);
    }

    /** The highest role in a comma-separated scope list as the gateway vouches it; empty when it names none. */
    public static Optional<Role> highest(String scopes) {
        if (scopes == null) {
            return Optional.empty();
        }
        Role best = null;
        for (String scope : scopes.split(",")) {
            Optional<Role> role = Role.fromWire(scope.trim());
            if (role.isPresent() && (best == null || role.get().includes(best))) {
                best = role.get();
            }
        }
        return Optional.ofNullable(best);
    }
}
