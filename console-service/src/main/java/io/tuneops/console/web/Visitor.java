package io.tuneops.console.web;

import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.GatewayIdentityHandler.GatewayIdentity;
import io.tuneops.support.http.VouchedAccess;
import io.tuneops.support.http.VouchedAccess.Access;
import io.vertx.ext.web.RoutingContext;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The signed-in person as the gateway vouched for them: actor and effective scopes, the client
 * address, the session's CSRF token (X-Tuneops-Csrf), and the user behind the session (id,
 * username, organisation, teams), which the console passes on so that the owners know who submits
 * and who decides. Headers reach this service only with the internal secret
 * (GatewayIdentityHandler drops them otherwise), so a browser cannot forge any of them.
 *
 * @param csrfToken null when the gateway sent none (then every state-changing request is refused)
 * @param user      null for a key that belongs to no user (the configured bootstrap key)
 * @param teams     the user's team ids, empty when none
 */
public record Visitor(String actor, String scopes, String clientIp, String csrfToken, String user, String username,
                      String org, List<String> teams) {

    public static final String CSRF_HEADER = "X-Tuneops-Csrf";
    // the token is echoed into pages (a hidden field, an attribute holding JSON): only a safe alphabet
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-.~+/=]{16,256}");

    public Visitor {
        teams = teams == null ? List.of() : List.copyOf(teams);
    }

    /** A visitor signed in with a key that belongs to no user. */
    public Visitor(String actor, String scopes, String clientIp, String csrfToken) {
        this(actor, scopes, clientIp, csrfToken, null, null, null, List.of());
    }

    /** The vouched visitor, or empty for an anonymous request (no session, or not through the gateway). */
    public static Optional<Visitor> of(RoutingContext rc) {
        GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        if (identity == null || identity.actor() == null || identity.actor().isBlank()) {
            return Optional.empty();
        }
        String csrf = rc.request().getHeader(CSRF_HEADER);
        return Optional.of(new Visitor(identity.actor(), identity.scopes(), identity.clientIp(),
                csrf != null && TOKEN.matcher(csrf).matches() ? csrf : null, identity.user(), identity.username(),
                identity.org(), identity.teams()));
    }

    public boolean has(Access access) {
        return VouchedAccess.sufficient(scopes, access);
    }

    /** Reads: jobs, providers, metrics configuration, health. */
    public boolean canView() {
        return has(Access.VIEWER);
    }

    /** Submit, cancel and delete jobs. */
    public boolean canOperate() {
        return has(Access.OPERATOR);
    }

    /** Decide approval requests (the owner checks each rule's approver role too). */
    public boolean canApprove() {
        return has(Access.OPERATOR);
    }

    /** Configure providers, metrics and quotas, read the audit trail, manage API keys, users and teams. */
    public boolean canAdmin() {
        return has(Access.ADMIN);
    }

    /** The scopes as the key holds them, for the header. */
    public List<String> scopeList() {
        return scopes == null ? List.of()
                : Arrays.stream(scopes.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** For the hidden form field and htmx's hx-headers; empty when there is none. */
    public String csrf() {
        return csrfToken == null ? "" : csrfToken;
    }

    @Override
    public String toString() {
        // the CSRF token stays out of log lines
        return "Visitor[" + actor + ", " + scopes + "]";
    }
}
