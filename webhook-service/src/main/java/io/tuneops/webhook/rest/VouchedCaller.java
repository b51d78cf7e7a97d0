package io.tuneops.webhook.rest;

import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.GatewayIdentityHandler.GatewayIdentity;
import io.tuneops.webhook.service.approval.Submitter;
import io.tuneops.webhook.service.quota.QuotaSubject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The person behind a request as the gateway vouched for them: their role is the highest scope in
 * X-Tuneops-Scopes (a key's scope already capped by its user's role); user, organisation and teams
 * are null and empty for a credential that belongs to no user.
 */
record VouchedCaller(String actor, String clientIp, String userId, String username, Submitter.Role role, String orgId,
                     List<String> teams) {

    static VouchedCaller of(RoutingContext rc) {
        GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        if (identity == null) {
            return new VouchedCaller("unknown", null, null, null, Submitter.Role.VIEWER, null, List.of());
        }
        return new VouchedCaller(identity.actor() == null ? "unknown" : identity.actor(), identity.clientIp(),
                blankToNull(identity.user()), blankToNull(identity.username()), role(identity.scopes()),
                blankToNull(identity.org()), identity.teams() == null ? List.of() : identity.teams());
    }

    /** The highest role among comma-separated scopes; viewer when none is known. */
    static Submitter.Role role(String scopes) {
        Submitter.Role highest = Submitter.Role.VIEWER;
        if (scopes != null) {
            for (String scope : scopes.split(",")) {
                Submitter.Role role = Submitter.Role.fromWire(scope.trim()).orElse(null);
                if (role != null && role.includes(highest)) {
                    highest = role;
                }
            }
        }
        return highest;
    }

    boolean admin() {
        return role == Submitter.Role.ADMIN;
    }

    /** Whether the team is one of the caller's. */
    boolean memberOf(String teamId) {
        return teams.contains(teamId);
    }

    /** The submitter of a job charged to {@code teamId}, which must be one of the caller's teams (checked by the caller). */
    Submitter submitter(String teamId) {
        return new Submitter(actor, userId, username, role, orgId, teamId);
    }

    /** The team a job is charged to when the submit names none: the caller's first. */
    String defaultTeam() {
        return teams.isEmpty() ? null : teams.get(0);
    }

    QuotaSubject quotaSubject() {
        return new QuotaSubject(userId, orgId, defaultTeam());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
