package io.tuneops.gateway.security;

import io.tuneops.gateway.proxy.Owner;
import io.tuneops.gateway.routing.RoutePatterns;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every route's access rule, first match wins; docs/security.md is this table in prose. Anything
 * not listed needs an admin key, so a route added without a rule is closed, not open.
 */
@ApplicationScoped
public class AccessPolicy {

    private static final Set<HttpMethod> READ = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Set<HttpMethod> ANY = null;

    private record Rule(Set<HttpMethod> methods, String literalPrefix, Pattern path, Access access) {
        boolean matches(HttpMethod method, String p) {
            return (methods == null || methods.contains(method)) && p.startsWith(literalPrefix)
                    && path.matcher(p).matches();
        }
    }

    private static Rule rule(Set<HttpMethod> methods, String regex, Access access) {
        return new Rule(methods, RoutePatterns.literalPrefix(regex), Pattern.compile(regex), access);
    }

    private static final List<Rule> RULES = rules(
            // gateway's own
            // anyone manages their own keys here; an admin every key (ApiKeyResource)
            rule(ANY, "/api/auth/api-keys(/[^/]+)?", Access.VIEWER),
            rule(READ, "/api/auth/whoami", Access.VIEWER),
            // console sessions: signing in takes a key in the body; the others answer on the session
            // cookie themselves (401 without one; signing out without one just clears the cookie)
            rule(ANY, "/api/auth/session(/end)?", Access.PUBLIC),
            // OpenID Connect sign-in: the provider's code flow authenticates (rest/OidcResource)
            rule(READ, "/api/auth/oidc/(login|callback|error)", Access.PUBLIC),
            // the original's sign-in: login takes a password, logout answers on the session cookie
            // itself (with its CSRF token), status says who the caller is, if anyone
            rule(Set.of(HttpMethod.POST), "/api/auth/(login|logout)", Access.PUBLIC),
            rule(READ, "/api/auth/status", Access.KEY_OPTIONAL),
            rule(READ, "/api/auth/me", Access.VIEWER),
            // people: a user reads themself, changes their own display name and password and
            // manages their own keys; the route checks "admin or self", anything else is admin
            rule(READ, "/api/users/me", Access.VIEWER),
            rule(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PATCH), "/api/users/[^/]+", Access.VIEWER),
            rule(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.POST, HttpMethod.DELETE),
                    "/api/users/[^/]+/api-keys(/[^/]+)?", Access.VIEWER),
            rule(ANY, "/api/users(/.*)?", Access.ADMIN),
            // organisations' and teams' quotas (webhook-service), before the organisations' own rules
            rule(READ, "/api/orgs/[^/]+(/teams/[^/]+)?/quotas(/.*)?", Access.VIEWER),
            rule(ANY, "/api/orgs/[^/]+(/teams/[^/]+)?/quotas(/.*)?", Access.ADMIN),
            rule(READ, "/api/orgs(/.*)?", Access.VIEWER),
            rule(ANY, "/api/orgs(/.*)?", Access.ADMIN),
            // the combined API description holds no secrets
            rule(READ, "/api/openapi", Access.PUBLIC),
            rule(READ, "/q/health(/(live|ready|started))?", Access.PUBLIC),
            rule(READ, "/q/metrics", Access.MONITORING),
            // monitoring, as the guide's Prometheus and Kubernetes setup expect
            rule(READ, "/api/cloud/health(/(live|ready))?", Access.MONITORING),
            rule(READ, "/api/cloud/metrics/prometheus", Access.MONITORING),
            // the original tool's paths for the same health and export
            rule(READ, "/api/metrics/health(/(live|ready))?", Access.MONITORING),
            rule(READ, "/api/metrics/prometheus", Access.MONITORING),
            // provider-facing receivers (POST, one segment): authenticated by webhook signature and the
            // provider's allowlist; the rest of /api/webhooks manages the event webhooks tuneops sends
            rule(Set.of(HttpMethod.POST), "/api/webhooks/[^/]+", Access.PUBLIC),
            rule(READ, "/api/webhooks/events", Access.VIEWER),
            rule(ANY, "/api/webhooks(/.*)?", Access.ADMIN),
            // notifications (webhook-service): everyone reads the channels (no secrets in them), the
            // presets and the event catalogue, and keeps preferences (the owner allows a non-admin only
            // their own); channel changes and tests, the delivery history, retries and skipping the
            // setup are admins'
            rule(READ, "/api/cloud/notifications/(channels(/[^/]+)?|presets(/[^/]+)?|events|status)", Access.VIEWER),
            rule(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.POST),
                    "/api/cloud/notifications/preferences", Access.VIEWER),
            rule(Set.of(HttpMethod.DELETE), "/api/cloud/notifications/preferences/[^/]+", Access.VIEWER),
            rule(ANY, "/api/cloud/notifications(/.*)?", Access.ADMIN),
            // S3: SigV4 with per-job upload credentials, checked by storage-service
            rule(ANY, "/api/cloud/storage(/.*)?", Access.KEY_OPTIONAL),
            // metrics export configuration: previews read, everything else configures
            rule(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST), "/api/cloud/metrics/config/preview", Access.VIEWER),
            rule(READ, "/api/cloud/metrics/config(/.*)?", Access.VIEWER),
            rule(ANY, "/api/cloud/metrics(/.*)?", Access.ADMIN),
            rule(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST), "/api/metrics/config/preview", Access.VIEWER),
            rule(READ, "/api/metrics/config(/.*)?", Access.VIEWER),
            rule(ANY, "/api/metrics(/.*)?", Access.ADMIN),
            // providers: configuration is admin, reading it is viewer (secrets are never returned)
            rule(READ, "/api/cloud/providers(/.*)?", Access.VIEWER),
            rule(ANY, "/api/cloud/providers(/.*)?", Access.ADMIN),
            // jobs: operators submit and cancel, viewers read
            rule(READ, "/api/cloud/jobs(/.*)?", Access.VIEWER),
            rule(ANY, "/api/cloud/jobs(/.*)?", Access.OPERATOR),
            // prices and estimates before a submit
            rule(READ, "/api/cloud/hardware-options", Access.VIEWER),
            rule(Set.of(HttpMethod.POST), "/api/cloud/cost-estimate", Access.VIEWER),
            // quotas: everyone reads their own status (/me) and the quotas, and checks a cost against
            // their budgets; another user's status and every change are admins'
            rule(READ, "/api/quotas/user/[^/]+", Access.ADMIN),
            rule(READ, "/api/quotas(/.*)?", Access.VIEWER),
            rule(Set.of(HttpMethod.POST), "/api/quotas/cost-estimate", Access.VIEWER),
            rule(ANY, "/api/quotas(/.*)?", Access.ADMIN),
            // approvals: everyone sees their own requests; operators read the rules and decide
            // (the owner checks the approver role each request's rule names); admins change rules
            rule(READ, "/api/approvals/me", Access.VIEWER),
            rule(READ, "/api/approvals/rules(/.*)?", Access.OPERATOR),
            rule(ANY, "/api/approvals/rules(/.*)?", Access.ADMIN),
            rule(ANY, "/api/approvals/expire", Access.ADMIN),
            rule(ANY, "/api/approvals(/.*)?", Access.OPERATOR),
            // the audit trail
            rule(ANY, "/api/audit(/.*)?", Access.ADMIN));

    /** The API's rules, then one per console page, last: API paths never get as far. */
    private static List<Rule> rules(Rule... api) {
        List<Rule> all = new ArrayList<>(List.of(api));
        for (String page : Owner.CONSOLE.prefixes()) {
            all.add(rule(ANY, "/".equals(page) ? "/" : page.replace(".", "\\.") + "(/.*)?", Access.CONSOLE));
        }
        return List.copyOf(all);
    }

    public Access accessFor(HttpMethod method, String path) {
        for (Rule rule : RULES) {
            if (rule.matches(method, path)) {
                return rule.access();
            }
        }
        return Access.ADMIN;
    }
}
