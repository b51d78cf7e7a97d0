package io.tuneops.gateway.security;

import java.util.Set;

/** Who a request comes from: an API key's id (or the bootstrap admin) and what it may do. */
public record Identity(String actor, String name, Set<Scope> scopes) {

    public boolean has(Scope required) {
        return scopes.stream().anyMatch(s -> s.includes(required));
    }

    public String scopeList() {
        return String.join(",", scopes.stream().map(Scope::id).sorted().toList());
    }
}
