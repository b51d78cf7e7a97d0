package io.tuneops.webhook.service.approval;

import java.util.Locale;
import java.util.Optional;

/**
 * Who submits a job, as the gateway vouched for them. {@code userId}, {@code orgId} and
 * {@code teamId} are null for a credential that belongs to no user (the configured bootstrap key).
 */
public record Submitter(String actor, String userId, String username, Role role, String orgId, String teamId) {

    /** A person's role; each includes the ones below it. */
    public enum Role {
        VIEWER, OPERATOR, ADMIN;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean includes(Role other) {
            return ordinal() >= other.ordinal();
        }

        public static Optional<Role> fromWire(String value) {
            for (Role r : values()) {
                if (r.wire().equals(value)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }
}
