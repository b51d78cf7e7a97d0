package io.tuneops.gateway.security;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Who a request comes from: an API key's id (or the bootstrap admin) and what it may do. */
public record Identity(String actor, String name, Set<Scope> scopes) {

    public boolean has(Scope required) {
        return scopes.stream().anyMatch(s -> s.includes(required));
    }

    // a handful of scope combinations exist; the header value is built once per combination, not per request
    private static final Map<Set<Scope>, String> SCOPE_LISTS = new ConcurrentHashMap<>();

    public String scopeList() {
        return SCOPE_LISTS.computeIfAbsent(scopes, s -> String.join(",", s.stream().map(Scope::id).sorted().toList()));
    }
}
