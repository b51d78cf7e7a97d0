package io.tuneops.gateway.security;

/** What a route asks of a caller. */
public enum Access {
    /** Authenticated elsewhere (webhook signature + allowlist): no key needed. */
    PUBLIC,
    /** Open as the guide's monitoring setup expects, unless a monitoring token is configured. */
    MONITORING,
    /** Authenticated by the owner (SigV4 upload credentials); an API key, when presented, is checked and passed on. */
    KEY_OPTIONAL,
    /**
     * The operator console's pages: open, so that the console can send a stranger to its sign-in
     * page; a session (or an API key), when presented, is checked and passed on with the
     * session's CSRF token.
     */
    CONSOLE,
    VIEWER,
    OPERATOR,
    ADMIN;

    /** Whether a request without credentials goes on, anonymous. */
    public boolean identityOptional() {
        return this == KEY_OPTIONAL || this == CONSOLE;
    }

    public Scope scope() {
        return switch (this) {
            case VIEWER -> Scope.VIEWER;
            case OPERATOR -> Scope.OPERATOR;
            case ADMIN -> Scope.ADMIN;
            default -> null;
        };
    }
}
