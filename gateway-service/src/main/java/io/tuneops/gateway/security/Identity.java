package io.tuneops.gateway.security;

import io.tuneops.gateway.repository.Person;

import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a request comes from: an API key's id (or the bootstrap admin, or {@code user:<username>}
 * for a person's own session), what it may do, and the person it acts for (null for the
 * bootstrap admin key, which belongs to nobody), and when the key it comes from expires (null
 * for a key without expiry and for a person's own session).
 */
public record Identity(String actor, String name, Set<Scope> scopes, Person person, OffsetDateTime expiresAt) {

    public Identity(String actor, String name, Set<Scope> scopes) {
        this(actor, name, scopes, null, null);
    }

    /** A person signed in as themself (password or single sign-on): their role is their scope. */
    public static Identity of(Person person) {
        return new Identity("user:" + person.username(), person.username(), EnumSet.of(person.role()), person, null);
    }

    public boolean has(Scope required) {
        return scopes.stream().anyMatch(s -> s.includes(required));
    }

    /** The highest of its scopes: what the owners treat as the caller's role. */
    public Scope role() {
        return scopes.stream().max(Enum::compareTo).orElse(Scope.VIEWER);
    }

    /** Whether this is the person {@code userId}. */
    public boolean is(String userId) {
        return person != null && person.id().equals(userId);
    }

    // a handful of scope combinations exist; the header value is built once per combination, not per request
    private static final Map<Set<Scope>, String> SCOPE_LISTS = new ConcurrentHashMap<>();

    public String scopeList() {
        return SCOPE_LISTS.computeIfAbsent(scopes, s -> String.join(",", s.stream().map(Scope::id).sorted().toList()));
    }
}
