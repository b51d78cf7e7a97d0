package io.tuneops.gateway.repository;

import io.tuneops.gateway.security.Scope;

import java.time.OffsetDateTime;
import java.util.List;

/** A row of gateway.users with the ids of the user's teams (sorted). */
public record UserRecord(String id, String username, String displayName, String email, Scope role, boolean active,
                         String passwordHash, String orgId, List<String> teamIds, OffsetDateTime createdAt,
                         OffsetDateTime lastLoginAt) {

    public UserRecord {
        teamIds = List.copyOf(teamIds);
    }

    public Person person() {
        return new Person(id, username, role, active, orgId, teamIds);
    }
}
