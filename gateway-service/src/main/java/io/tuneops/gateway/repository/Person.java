package io.tuneops.gateway.repository;

import io.tuneops.gateway.security.Scope;

import java.util.List;

/**
 * What authenticating a request needs of a user: who, their role, whether they are active, their
 * organisation (null when none) and their teams' ids, sorted.
 */
public record Person(String id, String username, Scope role, boolean active, String orgId, List<String> teamIds) {

    public Person {
        teamIds = List.copyOf(teamIds);
    }
}
