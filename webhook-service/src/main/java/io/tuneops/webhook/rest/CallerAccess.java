package io.tuneops.webhook.rest;

import io.tuneops.support.http.VouchedAccess;
import io.tuneops.support.http.VouchedAccess.Access;
import io.tuneops.support.http.VouchedAccess.Rule;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Set;

import static io.tuneops.support.http.VouchedAccess.Access.ADMIN;
import static io.tuneops.support.http.VouchedAccess.Access.OPEN;
import static io.tuneops.support.http.VouchedAccess.Access.OPERATOR;
import static io.tuneops.support.http.VouchedAccess.Access.VIEWER;
import static io.tuneops.support.http.VouchedAccess.ANY;
import static io.tuneops.support.http.VouchedAccess.READ;

/**
 * Defence in depth behind the gateway, which owns the access policy: configuration and job routes
 * answer only requests the gateway vouched for (internal secret) on behalf of a key with enough
 * scope, so reaching this service's port directly is not a way around authentication. The rules
 * repeat the gateway's AccessPolicy for these routes. Everything else stays open here: webhooks
 * are authenticated by their signature, {@code /internal/**} by the internal secret. The OpenAPI
 * description documents the same table (RouteDocumentation).
 */
@ApplicationScoped
public class CallerAccess {

    private static final List<Rule> RULES = List.of(
            Rule.of(READ, "/api/cloud/providers(/.*)?", VIEWER),
            Rule.of(ANY, "/api/cloud/providers(/.*)?", ADMIN),
            Rule.of(READ, "/api/cloud/jobs(/.*)?", VIEWER),
            Rule.of(ANY, "/api/cloud/jobs(/.*)?", OPERATOR),
            Rule.of(READ, "/api/cloud/hardware-options", VIEWER),
            Rule.of(ANY, "/api/cloud/cost-estimate", VIEWER),
            // a read-only check of the caller's budgets, as the original let any user make
            Rule.of(Set.of(HttpMethod.POST), "/api/quotas/cost-estimate", VIEWER),
            Rule.of(READ, "/api/quotas/user/[^/]+", ADMIN),
            Rule.of(READ, "/api/quotas(/.*)?", VIEWER),
            Rule.of(ANY, "/api/quotas(/.*)?", ADMIN),
            Rule.of(READ, "/api/orgs/[^/]+/quotas(/.*)?", VIEWER),
            Rule.of(READ, "/api/orgs/[^/]+/teams/[^/]+/quotas(/.*)?", VIEWER),
            Rule.of(ANY, "/api/orgs/[^/]+/quotas(/.*)?", ADMIN),
            Rule.of(ANY, "/api/orgs/[^/]+/teams/[^/]+/quotas(/.*)?", ADMIN),
            // approvals: deciding a request needs the role the request names, which ApprovalDecisions checks
            Rule.of(READ, "/api/approvals/me", VIEWER),
            Rule.of(READ, "/api/approvals/rules(/.*)?", OPERATOR),
            Rule.of(ANY, "/api/approvals/rules(/.*)?", ADMIN),
            Rule.of(ANY, "/api/approvals/expire", ADMIN),
            Rule.of(ANY, "/api/approvals(/.*)?", OPERATOR),
            // notifications: anyone may manage preferences, NotificationPreferences keeps a non-admin to their own
            Rule.of(ANY, "/api/cloud/notifications/preferences(/.*)?", VIEWER),
            Rule.of(READ, "/api/cloud/notifications/(channels(/[^/]+)?|presets(/[^/]+)?|events|status)", VIEWER),
            Rule.of(ANY, "/api/cloud/notifications(/.*)?", ADMIN),
            // event webhooks share /api/webhooks with the provider receivers (POST /api/webhooks/{provider}),
            // which stay open: their signature authenticates them
            Rule.of(READ, "/api/webhooks/events", VIEWER),
            Rule.of(ANY, "/api/webhooks", ADMIN),
            Rule.of(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE),
                    "/api/webhooks/[^/]+", ADMIN),
            Rule.of(ANY, "/api/webhooks/[^/]+/(test|history)", ADMIN));

    void register(@Observes Router router) {
        VouchedAccess.install(router, RULES, OPEN);
    }

    /** What the table asks of a request: the first rule that matches, as VouchedAccess applies it. */
    static Access required(HttpMethod method, String path) {
        return RULES.stream()
                .filter(rule -> (rule.methods() == null || rule.methods().contains(method)) && rule.path().matcher(path).matches())
                .map(Rule::access).findFirst().orElse(OPEN);
    }
}
